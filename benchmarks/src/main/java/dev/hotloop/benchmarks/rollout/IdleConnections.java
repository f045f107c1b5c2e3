package dev.hotloop.benchmarks.rollout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The memory an open WebSocket costs the platform: heap after a full GC and RSS of the platform JVM with no
 * connection, with {@code n} idle connections, and with the same {@code n} after one short {@code store:false} turn
 * each (so each holds a cached conversation).
 */
final class IdleConnections {

    private static final int BATCH = 100;

    private final ServiceProcess platform;
    private final int connections;
    private final String model;

    IdleConnections(ServiceProcess platform, int connections, String model) {
        this.platform = platform;
        this.connections = connections;
        this.model = model;
    }

    String markdown() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        URI uri = URI.create("ws://127.0.0.1:" + platform.port() + "/v1/responses");
        long heapBefore = platform.heapAfterGcBytes();
        long rssBefore = platform.rssBytes();
        List<WebSocket> sockets = new ArrayList<>();
        CountDownLatch[] batch = new CountDownLatch[1];
        WebSocket.Listener listener = new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                String text = data.toString();
                if (text.startsWith("{\"type\":\"response.completed\"")
                        || text.startsWith("{\"type\":\"error\"")
                        || text.startsWith("{\"type\":\"response.failed\"")) {
                    batch[0].countDown();
                }
                webSocket.request(1);
                return null;
            }
        };
        try {
            for (int i = 0; i < connections; i += BATCH) {
                List<CompletableFuture<WebSocket>> opening = new ArrayList<>();
                for (int j = i; j < Math.min(connections, i + BATCH); j++) {
                    opening.add(http.newWebSocketBuilder()
                            .header("Authorization", "Bearer " + RolloutBenchmark.API_KEY)
                            .buildAsync(uri, listener));
                }
                opening.forEach(socket -> sockets.add(socket.join()));
            }
            TimeUnit.SECONDS.sleep(1);
            long heapIdle = platform.heapAfterGcBytes();
            long rssIdle = platform.rssBytes();
            String request = "{\"type\":\"response.create\",\"model\":\"" + model + "\",\"store\":false,"
                    + "\"input\":\"hello\"}";
            for (int i = 0; i < sockets.size(); i += BATCH) {
                List<WebSocket> group = sockets.subList(i, Math.min(sockets.size(), i + BATCH));
                batch[0] = new CountDownLatch(group.size());
                group.forEach(socket -> socket.sendText(request, true).join());
                if (!batch[0].await(120, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("Turns on idle connections did not finish");
                }
            }
            long heapActive = platform.heapAfterGcBytes();
            long rssActive = platform.rssBytes();
            return String.format(
                    "%n### Idle connections (%,d WebSockets to the platform JVM, -Xmx1g)%n%n"
                            + "| state | heap after GC | RSS | heap per connection | RSS per connection |%n"
                            + "|---|---:|---:|---:|---:|%n"
                            + "| no connection | %s | %s | | |%n"
                            + "| %,d idle | %s | %s | %s | %s |%n"
                            + "| %,d after one store:false turn each | %s | %s | %s | %s |%n",
                    connections,
                    mib(heapBefore),
                    mib(rssBefore),
                    connections,
                    mib(heapIdle),
                    mib(rssIdle),
                    kib((heapIdle - heapBefore) / connections),
                    kib((rssIdle - rssBefore) / connections),
                    connections,
                    mib(heapActive),
                    mib(rssActive),
                    kib((heapActive - heapBefore) / connections),
                    kib((rssActive - rssBefore) / connections));
        } finally {
            sockets.forEach(WebSocket::abort);
        }
    }

    private static String mib(long bytes) {
        return String.format("%.1f MiB", bytes / 1048576.0);
    }

    private static String kib(long bytes) {
        return String.format("%.1f KiB", bytes / 1024.0);
    }
}
