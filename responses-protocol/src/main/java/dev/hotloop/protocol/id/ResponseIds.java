package dev.hotloop.protocol.id;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Response ids carry their chain: {@code resp_} + a 16-hex chain tag + 32 hex (128) random bits.
 *
 * <p>A new conversation draws a fresh chain tag; a continuation inherits its parent's, so every
 * response of a chain maps to one Redis Cluster hash slot without a lookup.
 */
public final class ResponseIds {

    public static final String PREFIX = "resp_";
    /** Longest id a client may name: ours have 53 characters; anything much longer is no id of any server's. */
    public static final int MAX_LENGTH = 256;

    static final int CHAIN_TAG_HEX = 16;
    static final int RANDOM_HEX = 32;

    private static final Pattern WELL_FORMED = Pattern.compile("resp_[0-9a-f]{" + (CHAIN_TAG_HEX + RANDOM_HEX) + "}");
    private static final HexFormat HEX = HexFormat.of();
    private static final SecureRandom RANDOM = new SecureRandom();

    private ResponseIds() {}

    /** A response id opening a new chain. */
    public static String newChain() {
        return PREFIX + randomHex(CHAIN_TAG_HEX / 2) + randomHex(RANDOM_HEX / 2);
    }

    /** A response id continuing the chain of {@code parentId}; a malformed parent opens a new chain. */
    public static String continuing(String parentId) {
        if (!isWellFormed(parentId)) {
            return newChain();
        }
        return PREFIX + chainTag(parentId) + randomHex(RANDOM_HEX / 2);
    }

    /** The chain tag of a well-formed id (use {@link #isWellFormed} first). */
    public static String chainTag(String responseId) {
        return responseId.substring(PREFIX.length(), PREFIX.length() + CHAIN_TAG_HEX);
    }

    public static boolean isWellFormed(@Nullable String responseId) {
        return responseId != null && WELL_FORMED.matcher(responseId).matches();
    }

    /** An item id such as {@code msg_…} or {@code fc_…} with 128 random bits. */
    public static String item(String prefix) {
        return prefix + "_" + randomHex(RANDOM_HEX / 2);
    }

    static String randomHex(int bytes) {
        byte[] buffer = new byte[bytes];
        RANDOM.nextBytes(buffer);
        return HEX.formatHex(buffer);
    }
}
