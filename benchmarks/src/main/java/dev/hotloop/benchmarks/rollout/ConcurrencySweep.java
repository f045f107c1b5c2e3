package dev.hotloop.benchmarks.rollout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Throughput against concurrency: {@code c} clients, each on its own WebSocket, replay 10-turn rollouts back to back
 * (no tool time) for a fixed time, with {@code store:false} and with store. A level's p99 overhead is its p99 turn
 * minus the floor's single-client p50 at the same history; the answer is the highest throughput at which the
 * {@code store:false} p99 overhead stays within 5 ms.
 */
final class ConcurrencySweep {

    private static final double P99_OVERHEAD_LIMIT_MS = 5;

    private final RolloutClient client;
    private final String model;
    private final double floorP50;
    private final int historyTokens;
    private final List<Integer> levels;
    private final Duration duration;

    ConcurrencySweep(
            RolloutClient client,
            String model,
            double floorP50,
            int historyTokens,
            List<Integer> levels,
            Duration duration) {
        this.client = client;
        this.model = model;
        this.floorP50 = floorP50;
        this.historyTokens = historyTokens;
        this.levels = levels;
        this.duration = duration;
    }

    /** Throughput and latency of one mode at one concurrency. */
    private record Level(double turnsPerSecond, double p50, double p99) {}

    String markdown() throws Exception {
        StringBuilder text = new StringBuilder(String.format(
                        "%n### Concurrency sweep (WebSocket, %,d tokens of "
                                + "history, %s per level, unthrottled openai-chat upstream; floor p50 %.2f ms)%n%n",
                        historyTokens, duration, floorP50))
                .append("| clients | store:false turns/s | p50 ms | p99 overhead ms | store turns/s | p50 ms "
                        + "| p99 overhead ms |\n|---:|---:|---:|---:|---:|---:|---:|\n");
        double best = 0;
        for (int clients : levels) {
            Level stateless = level(Mode.WEBSOCKET_STATELESS, clients);
            Level stored = level(Mode.WEBSOCKET_STORE, clients);
            text.append(String.format(
                    "| %d | %.0f | %.2f | %.2f | %.0f | %.2f | %.2f |%n",
                    clients,
                    stateless.turnsPerSecond(),
                    stateless.p50(),
                    stateless.p99() - floorP50,
                    stored.turnsPerSecond(),
                    stored.p50(),
                    stored.p99() - floorP50));
            if (stateless.p99() - floorP50 <= P99_OVERHEAD_LIMIT_MS) {
                best = Math.max(best, stateless.turnsPerSecond());
            }
            System.out.println("sweep: " + clients + " clients done");
        }
        return text.append(String.format(
                        "%nHighest WebSocket store:false throughput with p99 overhead ≤ %.0f ms: "
                                + "**%.0f turns/s**.%n",
                        P99_OVERHEAD_LIMIT_MS, best))
                .toString();
    }

    private Level level(Mode mode, int clients) throws Exception {
        RolloutSpec spec = new RolloutSpec(historyTokens, 10, 200, Duration.ZERO);
        long deadline = System.nanoTime() + duration.toNanos();
        long started = System.nanoTime();
        List<Future<List<Turn>>> loops = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(clients)) {
            for (int i = 0; i < clients; i++) {
                loops.add(pool.submit(() -> {
                    List<Turn> turns = new ArrayList<>();
                    while (System.nanoTime() < deadline) {
                        turns.addAll(client.run(mode, spec, model));
                    }
                    return turns;
                }));
            }
            List<Turn> all = new ArrayList<>();
            for (Future<List<Turn>> loop : loops) {
                all.addAll(loop.get());
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            double[] latencies =
                    all.stream().mapToDouble(turn -> turn.latencyNanos() / 1e6).toArray();
            return new Level(
                    all.size() / seconds, CellResult.percentile(latencies, 50), CellResult.percentile(latencies, 99));
        }
    }
}
