package dev.hotloop.api.stream;

import dev.hotloop.protocol.error.OpenAiError;
import dev.hotloop.protocol.event.ResponseEvent;
import dev.hotloop.protocol.json.ProtocolJson;
import org.springframework.http.codec.ServerSentEvent;

/**
 * One streamed event as its clients see it, serialized once: the first client and every replay send the same
 * {@code data} bytes.
 *
 * @param sequenceNumber the event's {@code sequence_number}
 * @param type the SSE event name
 * @param data the event's JSON
 * @param terminal whether the event ends its response
 */
public record EventFrame(int sequenceNumber, String type, String data, boolean terminal) {

    public static EventFrame of(ResponseEvent event) {
        return new EventFrame(
                event.sequenceNumber(),
                event.type(),
                ProtocolJson.mapper().writeValueAsString(event),
                event.terminal());
    }

    /** The {@code error} event that ends a stream which failed without a failed response (PROTOCOL.md). */
    public static EventFrame error(int sequenceNumber, OpenAiError error) {
        return of(new ResponseEvent.StreamError("error", sequenceNumber, error.code(), error.message(), error.param()));
    }

    /**
     * The mark that ends a response with no event of the protocol's (a cancelled one): followers stop at it and send
     * nothing for it.
     */
    public static EventFrame end(int sequenceNumber) {
        return new EventFrame(sequenceNumber, "", "", true);
    }

    /** Whether clients see this frame (all but {@link #end}). */
    public boolean visible() {
        return !type.isEmpty();
    }

    public ServerSentEvent<String> sse() {
        return ServerSentEvent.builder(data).event(type).build();
    }
}
