package dev.hotloop.api.loop;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/**
 * Where a turn's time went, per transport: {@code model_inference} (waiting on the model) and
 * {@code api_overhead} (everything hotloop did itself: decode, auth, context, validation, tokens, persist, emit).
 */
final class TurnTimings {

    static final String NAME = "hotloop.turn.duration";

    private final MeterRegistry meters;

    TurnTimings(MeterRegistry meters) {
        this.meters = meters;
    }

    void record(Turn turn, ModelClock model, String status) {
        long total = System.nanoTime() - turn.origin().startedNanos();
        long modelNanos = model.elapsedNanos();
        String transport = turn.origin().transport().tag();
        timer("model_inference", transport, status).record(modelNanos, TimeUnit.NANOSECONDS);
        timer("api_overhead", transport, status).record(Math.max(0, total - modelNanos), TimeUnit.NANOSECONDS);
    }

    private Timer timer(String bucket, String transport, String status) {
        return Timer.builder(NAME)
                .description("Time of a turn by bucket")
                .tag("bucket", bucket)
                .tag("transport", transport)
                .tag("outcome", status)
                .publishPercentileHistogram()
                .register(meters);
    }
}
