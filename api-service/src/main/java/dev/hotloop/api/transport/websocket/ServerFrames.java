package dev.hotloop.api.transport.websocket;

import dev.hotloop.protocol.error.ApiException;
import dev.hotloop.protocol.error.OpenAiError;
import dev.hotloop.protocol.event.ResponseEvent;
import dev.hotloop.protocol.json.ProtocolJson;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.node.ObjectNode;

/**
 * What the server sends on a WebSocket: the protocol's events, one JSON object per text frame, echoing
 * {@code stream_id} only when the request set one; and WebSocket error frames, which differ from SSE's:
 * {@code {"type":"error","status":400,"error":{"type","code","message","param"}}}.
 */
final class ServerFrames {

    private ServerFrames() {}

    static String event(ResponseEvent event, @Nullable String streamId) {
        if (streamId == null) {
            return ProtocolJson.mapper().writeValueAsString(event);
        }
        ObjectNode json = ProtocolJson.mapper().valueToTree(event);
        json.put("stream_id", streamId);
        return json.toString();
    }

    static String error(ApiException exception, @Nullable String streamId) {
        return error(exception.status(), exception.error(), streamId);
    }

    static String error(int status, OpenAiError error, @Nullable String streamId) {
        ObjectNode frame = ProtocolJson.nodes().objectNode();
        frame.put("type", "error");
        frame.put("status", status);
        frame.set("error", ProtocolJson.mapper().valueToTree(error));
        if (streamId != null) {
            frame.put("stream_id", streamId);
        }
        return frame.toString();
    }
}
