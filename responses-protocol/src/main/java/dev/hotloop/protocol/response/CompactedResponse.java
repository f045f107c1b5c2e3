package dev.hotloop.protocol.response;

import dev.hotloop.protocol.item.Item;
import java.util.List;

/**
 * The answer of {@code POST /v1/responses/compact}: {@code output} holds the compacted items a client passes,
 * as they are, plus new input, to start a new chain without {@code previous_response_id}.
 */
public record CompactedResponse(String id, String object, long createdAt, List<Item> output, Usage usage) {

    public static CompactedResponse of(String id, long createdAt, List<Item> output, Usage usage) {
        return new CompactedResponse(id, "response.compaction", createdAt, output, usage);
    }
}
