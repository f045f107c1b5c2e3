package dev.hotloop.api.limits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hotloop.api.PlatformTest;
import dev.hotloop.api.transport.websocket.RawWebSocket;
import dev.hotloop.protocol.json.ProtocolJson;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Two tenants on one real service: tenant A floods bad requests, huge inputs and failing hosted tool calls while
 * tenant B runs a steady agent loop over HTTP and WebSocket. B sees no error and completes every turn; A is refused
 * with 429s (and its own 400s). (B's latency under the flood is measured by {@code benchmarks/run soak}.)
 */
class TenantIsolationTest extends PlatformTest {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final int TURNS = 30;
    private static final int FLOODERS = 4;
    private static final int MAX_FLOOD_REQUESTS = 3_000;
    private static final int TIMED_OUT = -1;

    private final Map<Integer, LongAdder> floodStatuses = new ConcurrentHashMap<>();
    private final AtomicInteger floodRequests = new AtomicInteger();
    private final AtomicBoolean steadyDone = new AtomicBoolean();

    @Test
    void aFloodingTenantSlowsOnlyItself() throws Exception {
        steadyHttpLoop(1); // B's connections and the service's paths warm before the flood
        steadyWebSocketLoop(1);
        ExecutorService flooders = Executors.newFixedThreadPool(FLOODERS);
        List<Future<?>> flood = new ArrayList<>();
        for (int i = 0; i < FLOODERS; i++) {
            int kind = i;
            flood.add(flooders.submit(() -> flood(kind)));
        }
        int httpTurns;
        int webSocketTurns;
        try {
            httpTurns = steadyHttpLoop(TURNS);
            webSocketTurns = steadyWebSocketLoop(TURNS);
        } finally {
            steadyDone.set(true);
            for (Future<?> flooder : flood) {
                flooder.get();
            }
            flooders.shutdown();
        }

        assertThat(httpTurns).isEqualTo(TURNS);
        assertThat(webSocketTurns).isEqualTo(TURNS);
        // A is refused by its own limits, and its bad requests are its own 400s
        assertThat(floodStatuses).as("A's answers").containsKeys(429, 400);
    }

    /** B over HTTP: a chain of stored turns; any non-200 fails the test at once. */
    private int steadyHttpLoop(int turns) {
        String previous = null;
        int completed = 0;
        for (int turn = 0; turn < turns; turn++) {
            HttpResponse<String> response = post(
                    OTHER_KEY,
                    "{\"model\":\"" + MODEL + "\",\"input\":\"steady " + turn + "\""
                            + (previous == null ? "" : ",\"previous_response_id\":\"" + previous + "\"") + "}");
            assertThat(response.statusCode())
                    .as("B's turn %d: %s", turn, response.body())
                    .isEqualTo(200);
            JsonNode body = ProtocolJson.mapper().readTree(response.body());
            assertThat(body.path("status").asString()).isEqualTo("completed");
            previous = body.path("id").asString();
            completed++;
        }
        return completed;
    }

    /** B over one WebSocket: a chain of store:false turns, each answered by response.completed. */
    private int steadyWebSocketLoop(int turns) throws InterruptedException {
        int completed = 0;
        try (RawWebSocket socket = RawWebSocket.connect(port, OTHER_KEY)) {
            String previous = null;
            for (int turn = 0; turn < turns; turn++) {
                socket.send("{\"type\":\"response.create\",\"model\":\"" + MODEL + "\",\"store\":false,\"input\":"
                        + "\"ws steady " + turn + "\""
                        + (previous == null ? "" : ",\"previous_response_id\":\"" + previous + "\"") + "}");
                List<JsonNode> frames = socket.until("response.completed");
                assertThat(frames)
                        .noneMatch(frame -> frame.path("type").asString().equals("error"));
                previous = frames.getLast().at("/response/id").asString();
                completed++;
            }
        }
        return completed;
    }

    /** A, until B is done: one kind of abuse per thread. */
    private void flood(int kind) {
        String huge = "{\"model\":\"" + MODEL + "\",\"input\":\"" + "x".repeat(900_000) + "\"}";
        String large = "{\"model\":\"" + MODEL + "\",\"input\":\"" + "lorem ipsum ".repeat(2_000) + "\"}";
        while (!steadyDone.get() && floodRequests.incrementAndGet() <= MAX_FLOOD_REQUESTS) {
            String body = switch (kind) {
                case 0 -> "{\"model\":\"" + MODEL + "\",\"input\":5,\"temperature\":\"hot\"}";
                case 1 -> floodRequests.get() % 2 == 0 ? huge : large;
                case 2 -> "{\"model\":\"" + MODEL + "\",\"input\":\"SHELLFAIL now\",\"tools\":[{\"type\":\"shell\"}]}";
                default ->
                    "{\"model\":\"" + MODEL + "\",\"input\":[{\"type\":\"function_call_output\",\"call_id\":"
                            + "\"call_unknown\",\"output\":\"tool crashed\"}]}";
            };
            int status;
            try {
                status = post(LimitedTenants.NOISY_KEY, body).statusCode();
            } catch (IllegalStateException timedOut) {
                status = TIMED_OUT; // A may slow itself down to a time-out; that is not B's business
            }
            floodStatuses.computeIfAbsent(status, ignored -> new LongAdder()).increment();
        }
    }

    private HttpResponse<String> post(String key, String body) {
        try {
            return HTTP.send(
                    HttpRequest.newBuilder(URI.create(baseUrl() + "/responses"))
                            .header("Authorization", "Bearer " + key)
                            .header("Content-Type", "application/json")
                            .timeout(Duration.ofSeconds(60))
                            .POST(HttpRequest.BodyPublishers.ofString(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
