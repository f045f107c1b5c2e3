package dev.hotloop.benchmarks;

import dev.hotloop.local.LocalPlatform;
import dev.hotloop.protocol.json.ProtocolJson;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Soak: {@code connections} WebSocket connections, half with {@code store: true} and half {@code store: false}, each
 * running a chain of {@code turns} turns at once; counts lost turns (never answered, or acknowledged as stored but not
 * readable), duplicated ones (a turn answered twice, a response id seen twice) and failed answers (retried), turn
 * latency and heap. Then two tenants: tenant B's turn latency alone and while tenant A floods bad requests, huge inputs and
 * failing hosted tool calls (the ratio of B's p99s is the isolation figure). Bounded in count and time.
 *
 * <p>Arguments: connections (default 50), turns per connection (default 30), B's turns per phase (default 200).
 */
public final class SoakBenchmark {

    static final String SOAK_KEY = "soak-key";
    static final String STEADY_KEY = "steady-key";
    static final String NOISY_KEY = "noisy-key";
    /** Tenants: soak and steady unlimited in practice, noisy at limits a flood hits at once. */
    static final String API_KEYS = "soak:" + SOAK_KEY + ",steady:" + STEADY_KEY + ",noisy:" + NOISY_KEY;

    private static final String MODEL = "hotloop-sim";
    private static final Duration TURN_TIMEOUT = Duration.ofSeconds(60);
    private static final int FLOODERS = 4;
    private static final int ATTEMPTS = 3;
    private static final String SCENARIO = """
            steps:
              - when: { input_contains: "SHELLFAIL", turn: 1 }
                emit:
                  - function_call: { name: shell, arguments: { commands: ["ls /no-such-dir; exit 3"] } }
              - when: { input_contains: "SHELLFAIL" }
                emit:
                  - message: "It failed: {{tool_outputs}}"
            """;

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final int port;

    public SoakBenchmark(int port) {
        this.port = port;
    }

    /**
     * What a soak saw; latencies in milliseconds, heap in MB.
     *
     * @param completed    turns answered by {@code response.completed}
     * @param failed       answers that were {@code response.failed} or an error frame (the turn is retried, up to
     *                     {@value #ATTEMPTS} times); not a loss: the client was told
     * @param lost         turns never answered, and acknowledged stored responses that cannot be read back
     * @param duplicated   answers to a turn already answered, and response ids seen twice
     * @param strayErrors  {@code invalid_frame} errors about the pongs the JDK client answers pings with (issue 10,
     *                     finding 6): not answers to a turn
     * @param firstFailure the first failed answer, for the record
     */
    public record SoakResult(
            int connections,
            int turns,
            long completed,
            long failed,
            long lost,
            long duplicated,
            long strayErrors,
            double p50,
            double p99,
            double heapBeforeMb,
            double heapPeakMb,
            double heapAfterMb,
            String firstFailure) {}

    /** B's turns in one phase. */
    public record SteadyResult(int turns, long errors, double p50, double p99) {}

    /** The arguments the platform needs for the soak's tenants and simulated model. */
    public static String[] platformArguments(Path scenario) {
        return new String[] {
            "--server.port=0",
            "--logging.level.root=WARN",
            "--hotloop.model.simulator.scenario=" + scenario,
            "--hotloop.model.simulator.time-to-first-token=20ms",
            "--hotloop.model.simulator.tokens-per-second=2000",
            "--hotloop.api.limits.tenants.soak.requests-per-minute=1000000",
            "--hotloop.api.limits.tenants.soak.concurrent-responses=10000",
            "--hotloop.api.limits.tenants.soak.websocket-connections=10000",
            "--hotloop.api.limits.tenants.noisy.requests-per-minute=600",
            "--hotloop.api.limits.tenants.noisy.tokens-per-minute=50000",
            "--hotloop.api.limits.tenants.noisy.concurrent-responses=2"
        };
    }

    /** The simulator's script: a failing hosted shell call for the flood. */
    public static Path scenario() throws java.io.IOException {
        Path scenario = Files.createTempFile("hotloop-soak", ".yaml");
        Files.writeString(scenario, SCENARIO);
        scenario.toFile().deleteOnExit();
        return scenario;
    }

    public static void main(String[] args) throws Exception {
        int connections = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        int turns = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        int steadyTurns = args.length > 2 ? Integer.parseInt(args[2]) : 200;
        try (LocalPlatform platform = LocalPlatform.start(API_KEYS, platformArguments(scenario()))) {
            SoakBenchmark benchmark = new SoakBenchmark(platform.apiPort());
            benchmark.soak(Math.min(connections, 4), 5); // warm-up
            SoakResult soak = benchmark.soak(connections, turns);
            System.out.printf("%n| connections × turns | completed | failed | lost | duplicated | turn p50 (ms) "
                    + "| turn p99 (ms) | heap before / peak / after (MB) |%n|---|---:|---:|---:|---:|---:|---:|---|%n");
            System.out.printf(
                    "| %d × %d | %d | %d | %d | %d | %.1f | %.1f | %.0f / %.0f / %.0f |%n",
                    soak.connections(),
                    soak.turns(),
                    soak.completed(),
                    soak.failed(),
                    soak.lost(),
                    soak.duplicated(),
                    soak.p50(),
                    soak.p99(),
                    soak.heapBeforeMb(),
                    soak.heapPeakMb(),
                    soak.heapAfterMb());
            System.out.printf("Stray invalid_frame errors (answers to the client's pongs): %d%n", soak.strayErrors());
            if (soak.firstFailure() != null) {
                System.out.println("First failed answer: " + soak.firstFailure());
            }

            benchmark.steady(20, null);
            SteadyResult baseline = benchmark.steady(steadyTurns, null);
            AtomicInteger floodRequests = new AtomicInteger();
            ConcurrentHashMap<Integer, AtomicLong> floodStatuses = new ConcurrentHashMap<>();
            SteadyResult flooded = benchmark.steady(steadyTurns, new Flood(benchmark, floodRequests, floodStatuses));
            System.out.printf(
                    "%n| tenant B | turns | errors | turn p50 (ms) | turn p99 (ms) |%n|---|---:|---:|---:|---:|%n");
            System.out.printf(
                    "| alone | %d | %d | %.1f | %.1f |%n",
                    baseline.turns(), baseline.errors(), baseline.p50(), baseline.p99());
            System.out.printf(
                    "| while A floods | %d | %d | %.1f | %.1f |%n",
                    flooded.turns(), flooded.errors(), flooded.p50(), flooded.p99());
            System.out.printf(
                    "%nB's p99 under the flood / alone: %.2f×; A sent %d requests, answered %s%n",
                    flooded.p99() / baseline.p99(), floodRequests.get(), floodStatuses);
        }
    }

    /** {@code connections} chains of {@code turns} turns at once, half stored; bounded by the turn time-out. */
    public SoakResult soak(int connections, int turns) throws Exception {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.gc();
        double heapBefore = memory.getHeapMemoryUsage().getUsed() / 1e6;
        AtomicLong heapPeak = new AtomicLong();
        AtomicBoolean running = new AtomicBoolean(true);
        Thread sampler = Thread.ofPlatform().daemon().start(() -> {
            while (running.get()) {
                heapPeak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        Set<String> ids = ConcurrentHashMap.newKeySet();
        AtomicLong duplicated = new AtomicLong();
        AtomicLong lost = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicLong strayErrors = new AtomicLong();
        AtomicReference<String> firstFailure = new AtomicReference<>();
        List<Long> latencies = java.util.Collections.synchronizedList(new ArrayList<>());
        List<String> stored = java.util.Collections.synchronizedList(new ArrayList<>());
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> chains = new ArrayList<>();
            for (int c = 0; c < connections; c++) {
                boolean store = c % 2 == 0;
                chains.add(clients.submit(() -> {
                    chain(
                            turns,
                            store,
                            new Tally(ids, duplicated, lost, failed, strayErrors, firstFailure, latencies),
                            store ? stored : null);
                    return null;
                }));
            }
            for (Future<?> chain : chains) {
                chain.get();
            }
        }
        for (String id : stored) { // an acknowledged stored turn must be readable
            HttpResponse<Void> read = http.send(
                    HttpRequest.newBuilder(URI.create(base() + "/v1/responses/" + id))
                            .header("Authorization", "Bearer " + SOAK_KEY)
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            if (read.statusCode() != 200) {
                lost.incrementAndGet();
            }
        }
        running.set(false);
        sampler.join();
        System.gc();
        double heapAfter = memory.getHeapMemoryUsage().getUsed() / 1e6;
        long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        return new SoakResult(
                connections,
                turns,
                sorted.length,
                failed.get(),
                lost.get(),
                duplicated.get(),
                strayErrors.get(),
                percentile(sorted, 0.50),
                percentile(sorted, 0.99),
                heapBefore,
                heapPeak.get() / 1e6,
                heapAfter,
                firstFailure.get());
    }

    /** What all chains of a soak count together. */
    private record Tally(
            Set<String> ids,
            AtomicLong duplicated,
            AtomicLong lost,
            AtomicLong failed,
            AtomicLong strayErrors,
            AtomicReference<String> firstFailure,
            List<Long> latencies) {}

    /**
     * One connection's chain; every turn names itself in metadata, so an answer to another turn is a duplicate. A
     * failed turn is sent again, as a client would; a turn never answered ends the chain.
     */
    private void chain(int turns, boolean store, Tally tally, List<String> stored) throws Exception {
        LinkedBlockingQueue<JsonNode> terminal = new LinkedBlockingQueue<>();
        WebSocket socket = http.newWebSocketBuilder()
                .header("Authorization", "Bearer " + SOAK_KEY)
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/v1/responses"), new TerminalFrames(terminal))
                .join();
        try {
            String previous = null;
            for (int turn = 0; turn < turns; turn++) {
                ObjectNode create = ProtocolJson.nodes().objectNode();
                create.put("type", "response.create")
                        .put("model", MODEL)
                        .put("store", store)
                        .put("input", "soak turn " + turn);
                create.putObject("metadata").put("turn", Integer.toString(turn));
                if (previous != null) {
                    create.put("previous_response_id", previous);
                }
                JsonNode answer = null;
                for (int attempt = 0; attempt < ATTEMPTS && answer == null; attempt++) {
                    long started = System.nanoTime();
                    socket.sendText(create.toString(), true).join();
                    answer = answerTo(turn, terminal, tally);
                    if (answer == null) {
                        tally.lost().incrementAndGet(); // never answered: the chain cannot go on
                        return;
                    }
                    if (!"response.completed".equals(answer.path("type").asString())) {
                        tally.failed().incrementAndGet();
                        tally.firstFailure().compareAndSet(null, answer.toString());
                        answer = null;
                        continue;
                    }
                    tally.latencies().add(System.nanoTime() - started);
                }
                if (answer == null) {
                    return; // failed every attempt: reported as failures
                }
                previous = answer.at("/response/id").asString();
                if (!tally.ids().add(previous)) {
                    tally.duplicated().incrementAndGet();
                }
                if (stored != null) {
                    stored.add(previous);
                }
            }
            JsonNode late = terminal.poll(200, TimeUnit.MILLISECONDS); // an answer after the last one is a duplicate
            for (; late != null; late = terminal.poll(200, TimeUnit.MILLISECONDS)) {
                tally.duplicated().incrementAndGet();
            }
        } finally {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();
        }
    }

    /** The terminal event answering {@code turn}, counting answers to earlier turns as duplicates; null on time-out. */
    private static JsonNode answerTo(int turn, LinkedBlockingQueue<JsonNode> terminal, Tally tally)
            throws InterruptedException {
        long deadline = System.nanoTime() + TURN_TIMEOUT.toNanos();
        while (true) {
            JsonNode event = terminal.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (event != null && "invalid_frame".equals(event.at("/error/code").asString())) {
                tally.strayErrors().incrementAndGet(); // about a pong the JDK client sent (issue 10, finding 6)
                continue;
            }
            if (event == null || !event.has("response")) {
                return event; // an error frame has no response and answers the turn at the head of the lane
            }
            if (event.at("/response/metadata/turn").asString().equals(Integer.toString(turn))) {
                return event;
            }
            tally.duplicated().incrementAndGet();
        }
    }

    /** Tenant B's chain of {@code turns} stored HTTP turns, while {@code flood} (if any) runs. */
    SteadyResult steady(int turns, Flood flood) throws Exception {
        ExecutorService flooders = Executors.newFixedThreadPool(FLOODERS);
        AtomicBoolean done = new AtomicBoolean();
        List<Future<?>> floods = new ArrayList<>();
        if (flood != null) {
            for (int kind = 0; kind < FLOODERS; kind++) {
                int abuse = kind;
                floods.add(flooders.submit(() -> flood.run(abuse, done)));
            }
            Thread.sleep(500); // the flood is on before B's first measured turn
        }
        long[] latencies = new long[turns];
        long errors = 0;
        String previous = null;
        try {
            for (int turn = 0; turn < turns; turn++) {
                long started = System.nanoTime();
                HttpResponse<String> response = post(
                        STEADY_KEY,
                        "{\"model\":\"" + MODEL + "\",\"input\":\"steady " + turn + "\""
                                + (previous == null ? "" : ",\"previous_response_id\":\"" + previous + "\"") + "}");
                latencies[turn] = System.nanoTime() - started;
                if (response.statusCode() != 200) {
                    errors++;
                    continue;
                }
                previous = ProtocolJson.mapper()
                        .readTree(response.body())
                        .path("id")
                        .asString();
            }
        } finally {
            done.set(true);
            for (Future<?> running : floods) {
                running.get();
            }
            flooders.shutdown();
        }
        Arrays.sort(latencies);
        return new SteadyResult(turns, errors, percentile(latencies, 0.50), percentile(latencies, 0.99));
    }

    /** Tenant A's abuse, one kind per thread, until told to stop (and at most 10,000 requests in all). */
    record Flood(SoakBenchmark benchmark, AtomicInteger requests, ConcurrentHashMap<Integer, AtomicLong> statuses) {

        void run(int kind, AtomicBoolean done) {
            String huge = "{\"model\":\"" + MODEL + "\",\"input\":\"" + "x".repeat(4_000_000) + "\",\"store\":false}";
            String large = "{\"model\":\"" + MODEL + "\",\"input\":\"" + "lorem ipsum ".repeat(5_000) + "\"}";
            while (!done.get() && requests.incrementAndGet() <= 10_000) {
                String body = switch (kind) {
                    case 0 -> "{\"model\":\"" + MODEL + "\",\"input\":5,\"temperature\":\"hot\"}";
                    case 1 -> requests.get() % 2 == 0 ? huge : large;
                    case 2 ->
                        "{\"model\":\"" + MODEL + "\",\"input\":\"SHELLFAIL now\",\"tools\":[{\"type\":\"shell\"}]}";
                    default ->
                        "{\"model\":\"" + MODEL + "\",\"input\":[{\"type\":\"function_call_output\","
                                + "\"call_id\":\"call_unknown\",\"output\":\"tool crashed\"}]}";
                };
                int status;
                try {
                    status = benchmark.post(NOISY_KEY, body).statusCode();
                } catch (Exception timedOut) {
                    status = -1;
                }
                statuses.computeIfAbsent(status, ignored -> new AtomicLong()).incrementAndGet();
            }
        }
    }

    private HttpResponse<String> post(String key, String body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(base() + "/v1/responses"))
                        .timeout(TURN_TIMEOUT)
                        .header("Authorization", "Bearer " + key)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }

    private static double percentile(long[] sortedNanos, double quantile) {
        if (sortedNanos.length == 0) {
            return Double.NaN;
        }
        return sortedNanos[Math.min(sortedNanos.length - 1, (int) (sortedNanos.length * quantile))] / 1e6;
    }
}
