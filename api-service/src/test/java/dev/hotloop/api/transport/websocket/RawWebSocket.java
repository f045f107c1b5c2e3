package dev.hotloop.api.transport.websocket;

import dev.hotloop.protocol.json.ProtocolJson;
import dev.hotloop.testsupport.WireSpecs;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;

/**
 * A plain WebSocket client (the JDK's) for what an SDK hides: raw frames, error shapes, aborts. Every frame is held to
 * the published specifications; reading fails on the first that violates them.
 */
public final class RawWebSocket implements AutoCloseable {

    private final BlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final java.util.Queue<AssertionError> violations = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final WebSocket socket;

    private RawWebSocket(String url, String apiKey, String... headers) {
        StringBuilder text = new StringBuilder();
        WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder();
        for (int i = 0; i + 1 < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        socket = builder.header("Authorization", "Bearer " + apiKey)
                .connectTimeout(Duration.ofSeconds(5))
                .buildAsync(URI.create(url), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        text.append(data);
                        if (last) {
                            JsonNode frame = ProtocolJson.mapper().readTree(text.toString());
                            text.setLength(0);
                            try {
                                WireSpecs.get().checkWebSocketFrame(frame);
                            } catch (AssertionError violation) {
                                violations.add(violation);
                            }
                            frames.add(frame);
                        }
                        webSocket.request(1);
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                        closed.complete(statusCode);
                        return null;
                    }

                    @Override
                    public void onError(WebSocket webSocket, Throwable error) {
                        closed.complete(-1);
                    }
                })
                .join();
    }

    /** @param headers extra handshake headers, as name, value pairs */
    public static RawWebSocket connect(int port, String apiKey, String... headers) {
        return new RawWebSocket("ws://127.0.0.1:" + port + "/v1/responses", apiKey, headers);
    }

    public void send(String json) {
        socket.sendText(json, true).join();
    }

    void sendBinary(byte[] bytes) {
        socket.sendBinary(ByteBuffer.wrap(bytes), true).join();
    }

    void sendPing() {
        socket.sendPing(ByteBuffer.wrap(new byte[] {1})).join();
    }

    /** An unsolicited pong, which RFC 6455 allows as a one-way heartbeat. */
    void sendPong() {
        socket.sendPong(ByteBuffer.wrap(new byte[] {2})).join();
    }

    /** The frames received and not yet read. */
    java.util.List<JsonNode> unread() {
        java.util.List<JsonNode> unread = new java.util.ArrayList<>();
        frames.drainTo(unread);
        conformed();
        return unread;
    }

    /** The next frame, failing after 10 s. */
    JsonNode next() throws InterruptedException {
        JsonNode frame = frames.poll(10, TimeUnit.SECONDS);
        conformed();
        if (frame == null) {
            throw new AssertionError("no frame within 10 s");
        }
        return frame;
    }

    /** Frames up to and including the next one of {@code type}. */
    public java.util.List<JsonNode> until(String type) throws InterruptedException {
        return until(java.util.Set.of(type));
    }

    /** Frames up to and including the next one of any of {@code types}. */
    public java.util.List<JsonNode> until(java.util.Set<String> types) throws InterruptedException {
        java.util.List<JsonNode> seen = new java.util.ArrayList<>();
        JsonNode frame;
        do {
            frame = frames.poll(10, TimeUnit.SECONDS);
            conformed();
            if (frame == null) {
                throw new AssertionError("no " + types + " within 10 s after " + seen);
            }
            seen.add(frame);
        } while (!types.contains(frame.path("type").asString()));
        return seen;
    }

    /** Throws the first frame received that violated the published specifications, if any did. */
    private void conformed() {
        AssertionError violation = violations.peek();
        if (violation != null) {
            throw violation;
        }
    }

    /** Drops the TCP connection without a close handshake, as a crashed client would. */
    void abort() {
        socket.abort();
    }

    int awaitClose() throws Exception {
        return closed.get(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        socket.abort();
    }
}
