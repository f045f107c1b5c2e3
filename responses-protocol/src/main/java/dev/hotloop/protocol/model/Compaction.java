package dev.hotloop.protocol.model;

import dev.hotloop.protocol.id.ResponseIds;
import dev.hotloop.protocol.item.Item;
import dev.hotloop.protocol.item.PassThroughItem;
import dev.hotloop.protocol.json.ProtocolJson;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.node.ObjectNode;

/**
 * Compaction ({@code POST /v1/responses/compact}, or a response's own when its context passes
 * {@code context_management}'s threshold): a model asked with {@link #INSTRUCTIONS} summarizes a conversation, and
 * the summary travels as a {@code compaction} item that stands for everything before it. Its {@code encrypted_content} is hotloop's own opaque format ({@value #FORMAT} + base64url of the
 * summary): encoded, not encrypted, so treat it like the conversation it summarizes.
 */
public final class Compaction {

    /** The instructions of the summarizing model call; providers may recognise them. */
    public static final String INSTRUCTIONS = "Summarize the conversation so far for your own later use: the user's "
            + "goals and constraints, what was done and found (tool calls and their results), decisions made, and "
            + "what remains open. Be complete but concise; the summary replaces the conversation.";

    static final String FORMAT = "hlc1.";

    private Compaction() {}

    /** The {@code compaction} item carrying {@code summary}. */
    public static PassThroughItem item(String summary) {
        ObjectNode json = ProtocolJson.nodes().objectNode();
        json.put("id", ResponseIds.item("cmp"));
        json.put("type", "compaction");
        json.put(
                "encrypted_content",
                FORMAT
                        + Base64.getUrlEncoder()
                                .withoutPadding()
                                .encodeToString(summary.getBytes(StandardCharsets.UTF_8)));
        return new PassThroughItem(json);
    }

    /**
     * What a model is sent of a context: the items from the latest {@code compaction} item on, all of them when there
     * is none. A compaction item stands for everything before it, so what precedes it is never sent again.
     */
    public static List<Item> window(List<Item> context) {
        for (int i = context.size() - 1; i > 0; i--) {
            if (isCompaction(context.get(i))) {
                return context.subList(i, context.size());
            }
        }
        return context;
    }

    public static boolean isCompaction(Item item) {
        return "compaction".equals(item.type());
    }

    /** The summary a compaction item made by hotloop carries; empty for other items or foreign formats. */
    public static Optional<String> summaryOf(Item item) {
        String content = item.json().path("encrypted_content").stringValue(null);
        if (!isCompaction(item) || content == null || !content.startsWith(FORMAT)) {
            return Optional.empty();
        }
        try {
            byte[] summary = Base64.getUrlDecoder().decode(content.substring(FORMAT.length()));
            return Optional.of(new String(summary, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException notBase64) {
            return Optional.empty();
        }
    }
}
