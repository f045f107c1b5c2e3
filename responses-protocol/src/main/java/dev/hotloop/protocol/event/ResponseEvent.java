package dev.hotloop.protocol.event;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.hotloop.protocol.item.Item;
import dev.hotloop.protocol.response.Response;
import java.util.List;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * A streaming event of one response. SSE frames it as {@code event:/data:}, WebSocket as one text frame,
 * and non-streamed HTTP keeps only the terminal event's response. Sequence numbers start at 0 and grow by 1.
 */
public sealed interface ResponseEvent {

    String type();

    int sequenceNumber();

    /** True for the event that ends a response: completed, incomplete or failed. */
    @JsonIgnore
    default boolean terminal() {
        return this instanceof Lifecycle lifecycle
                && lifecycle.response().status() != null
                && !Response.IN_PROGRESS.equals(lifecycle.response().status());
    }

    /**
     * {@code response.created|in_progress|completed|incomplete|failed}, carrying the whole response.
     *
     * @param hotloopTiming extension: where the turn's time went, on a terminal event when the caller asked
     */
    record Lifecycle(
            String type,
            int sequenceNumber,
            Response response,

            @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable
            JsonNode hotloopTiming)
            implements ResponseEvent {

        public Lifecycle(String type, int sequenceNumber, Response response) {
            this(type, sequenceNumber, response, null);
        }

        public Lifecycle withTiming(JsonNode timing) {
            return new Lifecycle(type, sequenceNumber, response, timing);
        }
    }

    /** {@code response.output_item.added|done}. */
    record OutputItem(String type, int sequenceNumber, int outputIndex, Item item) implements ResponseEvent {}

    /** {@code response.content_part.added|done}. */
    record ContentPart(String type, int sequenceNumber, String itemId, int outputIndex, int contentIndex, JsonNode part)
            implements ResponseEvent {}

    /** {@code response.output_text.delta}. */
    record TextDelta(
            String type,
            int sequenceNumber,
            String itemId,
            int outputIndex,
            int contentIndex,
            String delta,
            List<JsonNode> logprobs)
            implements ResponseEvent {}

    /** {@code response.output_text.done}. */
    record TextDone(
            String type,
            int sequenceNumber,
            String itemId,
            int outputIndex,
            int contentIndex,
            String text,
            List<JsonNode> logprobs)
            implements ResponseEvent {}

    /** {@code response.function_call_arguments.delta}. */
    record ArgumentsDelta(String type, int sequenceNumber, String itemId, int outputIndex, String delta)
            implements ResponseEvent {}

    /** {@code response.function_call_arguments.done}. */
    record ArgumentsDone(String type, int sequenceNumber, String itemId, int outputIndex, String name, String arguments)
            implements ResponseEvent {}

    /**
     * A hosted tool item's progress, such as {@code response.mcp_call.in_progress|completed|failed} and
     * {@code response.mcp_list_tools.in_progress|completed|failed}.
     */
    record ItemProgress(String type, int sequenceNumber, String itemId, int outputIndex) implements ResponseEvent {}

    /** {@code error}: a stream that fails before a response exists, or mid-stream without a failed response. */
    record StreamError(
            String type,
            int sequenceNumber,
            @Nullable String code,
            String message,
            @Nullable String param) implements ResponseEvent {}
}
