package dev.hotloop.api.metrics;

import dev.hotloop.api.loop.TurnOrigin;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What measuring one turn costs, the way api-service does it ({@link TurnStages}: one recorder per turn, recorded into
 * pre-resolved Prometheus timers at its end) against the alternative of one Micrometer {@link Observation} per stage
 * through Boot's default meter handler (a timer and a long-task timer per stage observation), plus the same four
 * bucket timers. Spans are left out of both: the remote stages' spans cost the same either way. In api-service's
 * package because the recorder's stage hooks are package-private. Run with {@code -prof gc} for the allocations.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TurnMeasurementBenchmark {

    private static final Stage[] CPU_STAGES = {Stage.STATE_LOAD, Stage.VALIDATE, Stage.TOKENIZE, Stage.PERSIST};
    private static final Stage[] STAGES = Stage.values();

    private final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final TurnMetrics metrics = new TurnMetrics(meters, ObservationRegistry.NOOP);
    private final TurnOrigin origin =
            new TurnOrigin("tenant", TurnOrigin.Transport.WEBSOCKET, System.nanoTime(), 1_000, 0, false);

    private final PrometheusMeterRegistry observedMeters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final ObservationRegistry observations = ObservationRegistry.create();
    private final Timer[] buckets = new Timer[4];

    {
        observations.observationConfig().observationHandler(new DefaultMeterObservationHandler(observedMeters));
        String[] names = {"model_inference", "api_overhead", "client_tool", "post_processing"};
        for (int i = 0; i < names.length; i++) {
            buckets[i] = Timer.builder("hotloop.turn.duration")
                    .tag("bucket", names[i])
                    .tag("transport", "websocket")
                    .tag("outcome", "completed")
                    .publishPercentileHistogram()
                    .register(observedMeters);
        }
    }

    /** One turn as the engine measures it: its stages, a model stream of three events, then the record. */
    @Benchmark
    public @Nullable TurnTiming stageRecorder() {
        TurnStages stages = metrics.start(origin, null);
        for (Stage stage : CPU_STAGES) {
            stages.measure(stage, () -> stage);
        }
        stages.modelStarted();
        for (int event = 0; event < 3; event++) {
            stages.modelEvent();
            stages.modelEventHandled(100);
        }
        stages.modelDone();
        return metrics.record(stages, origin, "resp_benchmark", "completed", 1_000, 0, 10);
    }

    /** The same turn with one observation per stage, timed by the default meter handler, and the four buckets. */
    @Benchmark
    public long observationPerStage() {
        long started = System.nanoTime();
        for (Stage stage : STAGES) {
            Observation.createNotStarted("hotloop.stage", observations)
                    .lowCardinalityKeyValue("stage", stage.tag())
                    .lowCardinalityKeyValue("transport", "websocket")
                    .start()
                    .stop();
        }
        long total = System.nanoTime() - started;
        for (Timer bucket : buckets) {
            bucket.record(total / 4, TimeUnit.NANOSECONDS);
        }
        return total;
    }
}
