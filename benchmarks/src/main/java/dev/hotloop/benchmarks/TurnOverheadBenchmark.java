package dev.hotloop.benchmarks;

import dev.hotloop.local.LocalPlatform;
import dev.hotloop.protocol.json.ProtocolJson;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Server-side API overhead per agent-loop turn (everything but model time: the {@code api_overhead} and
 * {@code post_processing} buckets, as each turn reports them: the
 * {@code Server-Timing} header over HTTP, {@code hotloop_timing} on WebSocket) for a chain continued over HTTP with
 * {@code previous_response_id} and over one WebSocket, at several history lengths. The model is the unthrottled
 * simulator and the whole platform runs in this JVM with a private Redis, so the numbers are hotloop's own cost.
 *
 * <p>Arguments: warm-up turns (default 150), measured turns per scenario (default 300).
 */
public final class TurnOverheadBenchmark {

    private static final String KEY = "bench-key";
    private static final String MODEL = "hotloop-sim";
    private static final int TOKENS_PER_HISTORY_ITEM = 500;

    private static final Pattern OVERHEAD = Pattern.compile("(?:overhead|post_processing);dur=([0-9.]+)");

    private final HttpClient http = HttpClient.newHttpClient();
    private final int port;

    private TurnOverheadBenchmark(LocalPlatform platform) {
        this.port = platform.apiPort();
    }

    /** p50 and p99 of the server-side overhead and the client-observed turn latency, in milliseconds. */
    record Result(
            String scenario,
            int historyTokens,
            double overheadP50,
            double overheadP99,
            double latencyP50,
            double latencyP99) {}

    public static void main(String[] args) throws Exception {
        int warmUp = args.length > 0 ? Integer.parseInt(args[0]) : 150;
        int measured = args.length > 1 ? Integer.parseInt(args[1]) : 300;
        try (LocalPlatform platform = LocalPlatform.start(
                "bench:" + KEY,
                "--server.port=0",
                "--hotloop.model.simulator.time-to-first-token=0ms",
                "--hotloop.model.simulator.tokens-per-second=0",
                // limits are checked on every turn as in production, but never reached at this pace
                "--hotloop.api.limits.tenants.bench.requests-per-minute=100000000",
                "--hotloop.api.limits.tenants.bench.tokens-per-minute=2000000000",
                "--logging.level.root=WARN")) {
            TurnOverheadBenchmark benchmark = new TurnOverheadBenchmark(platform);
            benchmark.http(1_000, warmUp);
            benchmark.webSocket(1_000, warmUp, false);
            List<Result> results = new ArrayList<>();
            for (int history : List.of(1_000, 20_000, 100_000)) {
                results.add(benchmark.http(history, measured));
                results.add(benchmark.webSocket(history, measured, true));
                results.add(benchmark.webSocket(history, measured, false));
            }
            System.out.printf(
                    "%n| transport | history (tokens) | overhead p50 (ms) | overhead p99 (ms) | turn p50 (ms) | turn p99 (ms) |%n");
            System.out.println("|---|---:|---:|---:|---:|---:|");
            for (Result r : results) {
                System.out.printf(
                        "| %s | %,d | %.3f | %.3f | %.3f | %.3f |%n",
                        r.scenario(),
                        r.historyTokens(),
                        r.overheadP50(),
                        r.overheadP99(),
                        r.latencyP50(),
                        r.latencyP99());
            }
        }
    }

    /** HTTP: every turn sends previous_response_id and one new message; the server rehydrates the chain. */
    private Result http(int historyTokens, int turns) throws Exception {
        ObjectNode first = create(history(historyTokens), null, true);
        String previous =
                ProtocolJson.mapper().readTree(post(first).body()).path("id").asString();
        long[] latencies = new long[turns];
        double[] overheads = new double[turns];
        for (int i = 0; i < turns; i++) {
            long started = System.nanoTime();
            HttpResponse<String> response = post(create(message("step " + i), previous, true));
            latencies[i] = System.nanoTime() - started;
            previous =
                    ProtocolJson.mapper().readTree(response.body()).path("id").asString();
            Matcher overhead = OVERHEAD.matcher(
                    response.headers().firstValue("Server-Timing").orElseThrow());
            overheads[i] = 0;
            for (int parts = 0; parts < 2; parts++) {
                overheads[i] += overhead.find() ? Double.parseDouble(overhead.group(1)) : Double.NaN;
            }
        }
        return result("HTTP + previous_response_id (store)", historyTokens, overheads, latencies);
    }

    /** WebSocket: one connection, each turn sends previous_response_id and only the new message. */
    private Result webSocket(int historyTokens, int turns, boolean store) throws Exception {
        LinkedBlockingQueue<JsonNode> terminal = new LinkedBlockingQueue<>();
        WebSocket socket = http.newWebSocketBuilder()
                .header("Authorization", "Bearer " + KEY)
                .header("x-hotloop-timing", "1")
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/v1/responses"), new TerminalFrames(terminal))
                .join();
        try {
            String previous = send(socket, terminal, create(history(historyTokens), null, store))
                    .at("/response/id")
                    .asString();
            long[] latencies = new long[turns];
            double[] overheads = new double[turns];
            for (int i = 0; i < turns; i++) {
                long started = System.nanoTime();
                JsonNode completed = send(socket, terminal, create(message("step " + i), previous, store));
                latencies[i] = System.nanoTime() - started;
                previous = completed.at("/response/id").asString();
                overheads[i] = completed.at("/hotloop_timing/api_overhead_ms").asDouble()
                        + completed.at("/hotloop_timing/post_processing_ms").asDouble();
            }
            return result(store ? "WebSocket (store)" : "WebSocket (store:false)", historyTokens, overheads, latencies);
        } finally {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();
        }
    }

    private static ObjectNode create(ArrayNode input, @Nullable String previousResponseId, boolean store) {
        ObjectNode body = ProtocolJson.nodes().objectNode();
        body.put("model", MODEL);
        body.set("input", input);
        body.put("store", store);
        if (previousResponseId != null) {
            body.put("previous_response_id", previousResponseId);
        }
        return body;
    }

    /** About {@code tokens} tokens of alternating user and assistant messages. */
    private static ArrayNode history(int tokens) {
        ArrayNode items = ProtocolJson.nodes().arrayNode();
        for (int i = 0; i * TOKENS_PER_HISTORY_ITEM < tokens; i++) {
            StringBuilder text = new StringBuilder();
            for (int word = 0; word < TOKENS_PER_HISTORY_ITEM; word++) {
                text.append(" w").append((i * 31 + word * 7) % 997);
            }
            items.addObject().put("role", i % 2 == 0 ? "user" : "assistant").put("content", text.toString());
        }
        return items;
    }

    private static ArrayNode message(String text) {
        ArrayNode items = ProtocolJson.nodes().arrayNode();
        items.addObject().put("role", "user").put("content", text);
        return items;
    }

    private HttpResponse<String> post(ObjectNode body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/responses"))
                .header("Authorization", "Bearer " + KEY)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("HTTP " + response.statusCode() + ": " + response.body());
        }
        return response;
    }

    private static JsonNode send(WebSocket socket, LinkedBlockingQueue<JsonNode> terminal, ObjectNode body)
            throws InterruptedException {
        body.put("type", "response.create");
        socket.sendText(body.toString(), true).join();
        JsonNode event = terminal.poll(60, TimeUnit.SECONDS);
        if (event == null || !"response.completed".equals(event.path("type").asString())) {
            throw new IllegalStateException("Turn did not complete: " + event);
        }
        return event;
    }

    private static Result result(String scenario, int historyTokens, double[] overheads, long[] latencies) {
        Arrays.sort(overheads);
        Arrays.sort(latencies);
        return new Result(
                scenario,
                historyTokens,
                overheads[overheads.length / 2],
                overheads[(int) (overheads.length * 0.99)],
                millis(latencies[latencies.length / 2]),
                millis(latencies[(int) (latencies.length * 0.99)]));
    }

    private static double millis(long nanos) {
        return nanos / 1_000_000.0;
    }
}
