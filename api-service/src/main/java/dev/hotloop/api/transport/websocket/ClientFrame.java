package dev.hotloop.api.transport.websocket;

import dev.hotloop.protocol.error.ApiException;
import dev.hotloop.protocol.error.ErrorCodes;
import dev.hotloop.protocol.json.ProtocolJson;
import dev.hotloop.protocol.request.CreateRequest;
import dev.hotloop.protocol.request.CreateRequestReader;
import java.io.InputStream;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.core.io.buffer.DataBuffer;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * One frame a client sent: a {@code response.create} event with a flat create body, or a refusal to
 * report on the frame's lane. {@code stream} is implicit on WebSocket (accepted, ignored).
 *
 * @param lane        the frame's {@code stream_id}, or {@link #DEFAULT_LANE}
 * @param request     the parsed request, or null when {@code error} is set
 * @param decodeNanos time spent parsing and validating the frame (API overhead spent before the turn is queued)
 */
record ClientFrame(
        String lane,
        @Nullable String streamId,
        @Nullable CreateRequest request,
        @Nullable ApiException error,
        long decodeNanos) {

    static final String DEFAULT_LANE = "";
    private static final Pattern STREAM_ID = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");

    /** Parses a text frame's payload as the UTF-8 bytes it came in: never decoded to a string first. */
    static ClientFrame parse(DataBuffer payload) {
        long started = System.nanoTime();
        ClientFrame frame = read(payload.asInputStream());
        return new ClientFrame(
                frame.lane(), frame.streamId(), frame.request(), frame.error(), System.nanoTime() - started);
    }

    private static ClientFrame read(InputStream json) {
        JsonNode tree;
        try {
            tree = ProtocolJson.mapper().readTree(json);
        } catch (JacksonException e) {
            return refused(
                    null,
                    ApiException.invalidRequest(
                            null,
                            ErrorCodes.INVALID_JSON,
                            "The frame is not valid JSON: send one JSON event per text frame."));
        }
        if (tree == null || !tree.isObject()) {
            return refused(
                    null, ApiException.invalidRequest(null, ErrorCodes.INVALID_JSON, "A frame must be a JSON object."));
        }
        String streamId = tree.path("stream_id").stringValue(null);
        if (tree.has("stream_id")
                && (streamId == null || !STREAM_ID.matcher(streamId).matches())) {
            return refused(
                    null,
                    ApiException.invalidRequest(
                            "stream_id",
                            ErrorCodes.INVALID_STREAM_ID,
                            "Invalid 'stream_id': expected 1 to 64 characters of letters, digits, '_', '.', ':' or '-'."));
        }
        String type = tree.path("type").stringValue(null);
        if (!"response.create".equals(type)) {
            return refused(
                    streamId,
                    ApiException.invalidRequest(
                            "type",
                            ErrorCodes.UNSUPPORTED_EVENT_TYPE,
                            "Unsupported event type '" + type + "': the only client event is 'response.create'."));
        }
        JsonNode background = tree.path("background");
        if (background.isBoolean() && background.booleanValue()) {
            // as OpenAI: a background response outlives its connection, which WebSocket mode does not offer
            return refused(
                    streamId,
                    ApiException.invalidRequest(
                            "background",
                            ErrorCodes.UNSUPPORTED_PARAMETER,
                            "Background mode is not supported in WebSocket mode: create it with POST /v1/responses."));
        }
        try {
            return new ClientFrame(laneOf(streamId), streamId, CreateRequestReader.read(tree), null, 0);
        } catch (ApiException e) {
            return refused(streamId, e);
        }
    }

    static ClientFrame refused(@Nullable String streamId, ApiException error) {
        return new ClientFrame(laneOf(streamId), streamId, null, error, 0);
    }

    private static String laneOf(@Nullable String streamId) {
        return streamId == null ? DEFAULT_LANE : streamId;
    }
}
