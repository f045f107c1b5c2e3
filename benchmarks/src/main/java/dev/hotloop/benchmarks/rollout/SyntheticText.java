package dev.hotloop.benchmarks.rollout;

import dev.hotloop.protocol.json.ProtocolJson;
import tools.jackson.databind.node.ArrayNode;

/** The benchmarks' conversation text: varied words of one o200k token each, deterministic by seed. */
public final class SyntheticText {

    private static final int TOKENS_PER_HISTORY_MESSAGE = 500;

    private SyntheticText() {}

    /** About {@code tokens} tokens of alternating user and assistant messages (500 each), then a short task. */
    public static ArrayNode history(int tokens) {
        ArrayNode items = ProtocolJson.nodes().arrayNode();
        for (int i = 0; (i + 1) * TOKENS_PER_HISTORY_MESSAGE <= tokens; i++) {
            items.addObject()
                    .put("role", i % 2 == 0 ? "user" : "assistant")
                    .put("content", words(i, TOKENS_PER_HISTORY_MESSAGE));
        }
        items.addObject().put("role", "user").put("content", "Look it up, step by step.");
        return items;
    }

    /** About {@code tokens} tokens of text. */
    public static String words(int seed, int tokens) {
        StringBuilder text = new StringBuilder();
        for (int word = 0; word < tokens; word++) {
            text.append(" w").append((seed * 31 + word * 7) % 997);
        }
        return text.toString();
    }
}
