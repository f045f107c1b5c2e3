package dev.hotloop.benchmarks;

import dev.hotloop.protocol.json.ProtocolJson;
import java.net.http.WebSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import tools.jackson.databind.JsonNode;

/** A WebSocket listener that queues each response's terminal frame (completed, failed, or an error) and drops the rest. */
final class TerminalFrames implements WebSocket.Listener {

    private final LinkedBlockingQueue<JsonNode> terminal;
    private final StringBuilder frame = new StringBuilder();

    TerminalFrames(LinkedBlockingQueue<JsonNode> terminal) {
        this.terminal = terminal;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        frame.append(data);
        if (last) {
            String text = frame.toString();
            frame.setLength(0);
            if (text.startsWith("{\"type\":\"response.completed\"")
                    || text.startsWith("{\"type\":\"response.failed\"")
                    || text.startsWith("{\"type\":\"error\"")) {
                terminal.add(ProtocolJson.mapper().readTree(text));
            }
        }
        webSocket.request(1);
        return CompletableFuture.completedFuture(null);
    }
}
