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
 * {@code {"type":"error","status":400,"error":{"type","code","message","param"}}}. Each is encoded once, straight to
 * the UTF-8 bytes a frame carries.
 */
final class ServerFrames {

    private ServerFrames() {}

    static byte[] event(ResponseEvent event, @Nullable String streamId) {
        if (streamId == null) {
            return ProtocolJson.mapper().writeValueAsBytes(event);
        }
        ObjectNode json = ProtocolJson.mapper().valueToTree(event);
        json.put("stream_id", streamId);
        return ProtocolJson.mapper().writeValueAsBytes(json);
    }

    static byte[] error(ApiException exception, @Nullable String streamId) {
        return error(exception.status(), exception.error(), streamId);
    }

    static byte[] error(int status, OpenAiError error, @Nullable String streamId) {
        ObjectNode frame = ProtocolJson.nodes().objectNode();
        frame.put("type", "error");
        frame.put("status", status);
        frame.set("error", ProtocolJson.mapper().valueToTree(error));
        if (streamId != null) {
            frame.put("stream_id", streamId);
        }
        return ProtocolJson.mapper().writeValueAsBytes(frame);
    }
}
