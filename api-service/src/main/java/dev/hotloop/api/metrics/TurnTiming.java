package dev.hotloop.api.metrics;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One turn's timing as a caller may see it (milliseconds): the {@code Server-Timing} header of a non-streamed
 * response, or the {@code hotloop_timing} field of the terminal event when a stream asked for it. The four buckets
 * add up to {@code totalMs}, the turn's wall time (from the previous response's end when the turn answers its function
 * calls, else from the request's arrival, to the terminal event).
 */
public record TurnTiming(
        double totalMs,
        double modelMs,
        double apiOverheadMs,
        double clientToolMs,
        double postProcessingMs,
        Map<String, Double> stagesMs) {

    /** Request (or WebSocket handshake) header asking streams for their timing. */
    public static final String REQUEST_HEADER = "x-hotloop-timing";

    static TurnTiming of(TurnStages stages, long wallNanos, long modelNanos, long toolNanos, long postProcessingNanos) {
        Map<String, Double> stagesMs = new LinkedHashMap<>();
        for (Stage stage : Stage.values()) {
            long nanos = stages.nanos(stage);
            if (nanos > 0) {
                stagesMs.put(stage.tag(), millis(micros(nanos)));
            }
        }
        // rounded to microseconds first, the overhead as the rest, so that the buckets shown add up to the total
        long total = micros(wallNanos);
        long model = micros(modelNanos);
        long tools = micros(toolNanos);
        long postProcessing = micros(postProcessingNanos);
        return new TurnTiming(
                millis(total),
                millis(model),
                millis(total - model - tools - postProcessing),
                millis(tools),
                millis(postProcessing),
                stagesMs);
    }

    private static long micros(long nanos) {
        return Math.round(nanos / 1_000.0);
    }

    private static double millis(long micros) {
        return micros / 1_000.0;
    }
}
