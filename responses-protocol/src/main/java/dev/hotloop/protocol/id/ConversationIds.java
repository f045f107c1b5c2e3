package dev.hotloop.protocol.id;

import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Conversation ids: {@code conv_} + a 16-hex tag + 32 hex (128) random bits, as long as OpenAI's. The tag is the
 * conversation's Redis Cluster hash tag and its routing key, as a chain tag is a response chain's.
 */
public final class ConversationIds {

    public static final String PREFIX = "conv_";

    private static final int TAG_HEX = 16;
    private static final Pattern WELL_FORMED =
            Pattern.compile("conv_[0-9a-f]{" + (TAG_HEX + ResponseIds.RANDOM_HEX) + "}");

    private ConversationIds() {}

    public static String newConversation() {
        return PREFIX + ResponseIds.randomHex(TAG_HEX / 2) + ResponseIds.randomHex(ResponseIds.RANDOM_HEX / 2);
    }

    public static boolean isWellFormed(@Nullable String conversationId) {
        return conversationId != null && WELL_FORMED.matcher(conversationId).matches();
    }

    /** The tag of a well-formed id (use {@link #isWellFormed} first). */
    public static String tag(String conversationId) {
        return conversationId.substring(PREFIX.length(), PREFIX.length() + TAG_HEX);
    }
}
