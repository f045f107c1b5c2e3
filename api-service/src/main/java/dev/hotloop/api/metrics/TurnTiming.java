package dev.hotloop.api.metrics;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One turn's timing as a caller may see it (milliseconds): the {@code Server-Timing} header of a non-streamed
 * response, or the {@code hotloop_timing} field of the terminal event when a stream asked for it.
 */
public record TurnTiming(
        double totalMs, double modelMs, double apiOverheadMs, double postProcessingMs, Map<String, Double> stagesMs) {

    /** Request (or WebSocket handshake) header asking streams for their timing. */
    public static final String REQUEST_HEADER = "x-hotloop-timing";

    static TurnTiming of(
            TurnTrace trace, long totalNanos, long modelNanos, long hostedToolNanos, long postProcessingNanos) {
        Map<String, Double> stages = new LinkedHashMap<>();
        for (Stage stage : Stage.values()) {
            long nanos = trace.nanos(stage);
            if (nanos > 0) {
                stages.put(stage.tag(), millis(nanos));
            }
        }
        return new TurnTiming(
                millis(totalNanos),
                millis(modelNanos),
                millis(totalNanos - modelNanos - hostedToolNanos),
                millis(postProcessingNanos),
                stages);
    }

    private static double millis(long nanos) {
        return Math.round(nanos / 1_000.0) / 1_000.0;
    }
}
