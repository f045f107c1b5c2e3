package dev.hotloop.benchmarks.rollout;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one mode measured in one cell: its rollouts' turns and the CPU each platform process used over them; the
 * figures are computed against the floor's rollouts of the same cell, paired by rollout and turn index.
 */
final class CellResult {

    private final Mode mode;
    private final List<List<Turn>> rollouts = new ArrayList<>();
    private final Map<String, Long> cpuNanos = new LinkedHashMap<>();

    CellResult(Mode mode) {
        this.mode = mode;
    }

    Mode mode() {
        return mode;
    }

    void add(List<Turn> rollout, Map<String, Long> cpuBefore, Map<String, Long> cpuAfter) {
        rollouts.add(rollout);
        cpuAfter.forEach(
                (process, after) -> cpuNanos.merge(process, after - cpuBefore.getOrDefault(process, 0L), Long::sum));
    }

    int turnCount() {
        return rollouts.stream().mapToInt(List::size).sum();
    }

    double[] latenciesMillis() {
        return rollouts.stream()
                .flatMap(List::stream)
                .mapToDouble(turn -> turn.latencyNanos() / 1e6)
                .toArray();
    }

    /** Turn latency minus the floor's turn latency at the same rollout and turn index, in milliseconds. */
    double[] overheadsMillis(CellResult floor) {
        List<Double> overheads = new ArrayList<>();
        for (int r = 0; r < Math.min(rollouts.size(), floor.rollouts.size()); r++) {
            for (int t = 0;
                    t < Math.min(rollouts.get(r).size(), floor.rollouts.get(r).size());
                    t++) {
                overheads.add((rollouts.get(r).get(t).latencyNanos()
                                - floor.rollouts.get(r).get(t).latencyNanos())
                        / 1e6);
            }
        }
        return overheads.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** min, median and max over the rollouts of each rollout's p50 turn latency. */
    double[] p50Spread() {
        double[] p50s = rollouts.stream()
                .mapToDouble(rollout -> percentile(
                        rollout.stream()
                                .mapToDouble(turn -> turn.latencyNanos() / 1e6)
                                .toArray(),
                        50))
                .sorted()
                .toArray();
        return new double[] {p50s[0], percentile(p50s, 50), p50s[p50s.length - 1]};
    }

    /** Median over the rollouts of this rollout's total turn time divided by the floor's. */
    double ratioToFloor(CellResult floor) {
        int n = Math.min(rollouts.size(), floor.rollouts.size());
        double[] ratios = new double[n];
        for (int r = 0; r < n; r++) {
            ratios[r] = (double) total(rollouts.get(r)) / total(floor.rollouts.get(r));
        }
        return percentile(ratios, 50);
    }

    double sentBytesPerTurn() {
        return rollouts.stream()
                .flatMap(List::stream)
                .mapToLong(Turn::sentBytes)
                .average()
                .orElse(0);
    }

    double receivedBytesPerTurn() {
        return rollouts.stream()
                .flatMap(List::stream)
                .mapToLong(Turn::receivedBytes)
                .average()
                .orElse(0);
    }

    /** CPU milliseconds per turn of each measured process. */
    Map<String, Double> cpuMillisPerTurn() {
        Map<String, Double> perTurn = new LinkedHashMap<>();
        cpuNanos.forEach((process, nanos) -> perTurn.put(process, nanos / 1e6 / turnCount()));
        return perTurn;
    }

    static double percentile(double[] values, double percentile) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[Math.clamp((long) Math.ceil(percentile / 100 * sorted.length) - 1, 0, sorted.length - 1)];
    }

    private static long total(List<Turn> rollout) {
        return rollout.stream().mapToLong(Turn::latencyNanos).sum();
    }
}
