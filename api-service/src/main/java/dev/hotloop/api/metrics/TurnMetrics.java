package dev.hotloop.api.metrics;

import dev.hotloop.api.loop.TurnOrigin;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * Every turn, measured: {@code hotloop.turn.duration{bucket}} (the four buckets people ask for:
 * {@code model_inference}, {@code api_overhead}, {@code client_tool}, {@code post_processing}; hosted tools run by
 * the platform are their own {@code tool} stage, counted in neither model time nor overhead),
 * {@code hotloop.stage.duration{stage,tier}}, responses by status and tokens by kind. All by transport and
 * outcome; tags stay low-cardinality (ids go on traces, never here).
 */
@Component
public class TurnMetrics {

    static final String TURN = "hotloop.turn.duration";
    static final String STAGE = "hotloop.stage.duration";

    private final MeterRegistry meters;
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    public TurnMetrics(MeterRegistry meters) {
        this.meters = meters;
    }

    /** Records a finished turn; returns its timing for callers that asked to see it. */
    public TurnTiming record(
            TurnTrace trace,
            TurnOrigin.Transport transport,
            String outcome,
            int inputTokens,
            int cachedTokens,
            int outputTokens) {
        long now = System.nanoTime();
        long total = now - trace.startedNanos();
        long model = trace.modelNanos();
        long hostedTools = trace.nanos(Stage.TOOL);
        long postProcessing = now - trace.modelDoneNanos();
        String via = transport.tag();
        turn("model_inference", via, outcome).record(model, TimeUnit.NANOSECONDS);
        turn("api_overhead", via, outcome).record(Math.max(0, total - model - hostedTools), TimeUnit.NANOSECONDS);
        turn("post_processing", via, outcome).record(postProcessing, TimeUnit.NANOSECONDS);
        for (Stage stage : Stage.values()) {
            long nanos = trace.nanos(stage);
            if (nanos > 0) {
                String tier = stage == Stage.STATE_LOAD ? trace.tier().tag() : "none";
                timer(STAGE, "stage", stage.tag(), via, outcome, tier).record(nanos, TimeUnit.NANOSECONDS);
            }
        }
        counter("hotloop.responses", "status", outcome, "transport", via).increment();
        counter("hotloop.tokens", "kind", "input", "transport", via).increment(inputTokens - cachedTokens);
        counter("hotloop.tokens", "kind", "cached_input", "transport", via).increment(cachedTokens);
        counter("hotloop.tokens", "kind", "output", "transport", via).increment(outputTokens);
        return TurnTiming.of(trace, total, model, hostedTools, postProcessing);
    }

    /** The client's own tool time: from a response that ended with function calls to the turn answering them. */
    public void clientToolTime(TurnOrigin.Transport transport, long nanos) {
        turn("client_tool", transport.tag(), "completed").record(nanos, TimeUnit.NANOSECONDS);
    }

    private Timer turn(String bucket, String transport, String outcome) {
        return timer(TURN, "bucket", bucket, transport, outcome, null);
    }

    private Timer timer(
            String name, String kindTag, String kind, String transport, String outcome, @Nullable String tier) {
        String key = name + '|' + kind + '|' + transport + '|' + outcome + '|' + tier;
        return timers.computeIfAbsent(key, ignored -> {
            Timer.Builder builder = Timer.builder(name)
                    .tag(kindTag, kind)
                    .tag("transport", transport)
                    .tag("outcome", outcome)
                    .publishPercentileHistogram();
            if (tier != null) {
                builder.tag("tier", tier);
            }
            return builder.register(meters);
        });
    }

    private Counter counter(String name, String tag1, String value1, String tag2, String value2) {
        String key = name + '|' + value1 + '|' + value2;
        return counters.computeIfAbsent(
                key,
                ignored -> Counter.builder(name)
                        .tag(tag1, value1)
                        .tag(tag2, value2)
                        .register(meters));
    }
}
