package dev.hotloop.api.metrics;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.hotloop.api.loop.TurnOrigin;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Every turn, measured once ({@link TurnStages}) and recorded when it ends: {@code hotloop.turn.duration{bucket}},
 * the four buckets that partition the turn's wall time ({@code model_inference}, {@code api_overhead},
 * {@code client_tool}, {@code post_processing}), {@code hotloop.stage.duration{stage,tier}}, responses by status and
 * tokens by kind; all by transport and outcome, tags low-cardinality (ids go on traces, never here). The spans of the
 * remote stages come from the same start and stop points.
 */
@Component
public class TurnMetrics {

    static final String TURN = "hotloop.turn.duration";
    static final String STAGE = "hotloop.stage.duration";

    /** Responses awaiting the client's tool outputs, kept long enough for a slow tool, bounded in memory. */
    private static final int MAX_AWAITING = 100_000;

    private static final Duration MAX_CLIENT_TOOL_TIME = Duration.ofHours(1);

    private static final Stage[] STAGES = Stage.values();
    private static final TurnStages.Tier[] TIERS = TurnStages.Tier.values();

    private final MeterRegistry registry;
    private final ObservationRegistry spans;
    /** Meters by transport (ordinal), then outcome. */
    @SuppressWarnings("unchecked")
    private final Map<String, Meters>[] byTransport = new Map[TurnOrigin.Transport.values().length];
    /** When each response that left function calls to the client ended ({@link System#nanoTime()}), by its id. */
    private final Cache<String, Long> awaitingClient = Caffeine.newBuilder()
            .maximumSize(MAX_AWAITING)
            .expireAfterWrite(MAX_CLIENT_TOOL_TIME)
            .build();

    /**
     * Stage spans go to the tracing handler alone: the observation registry's meter handler would time the stages a
     * second time (and keep a long-task timer per stage), beside the stage timers recorded here.
     */
    @Autowired
    public TurnMetrics(MeterRegistry meters, ObjectProvider<DefaultTracingObservationHandler> tracing) {
        this(meters, spansOf(tracing.getIfAvailable()));
    }

    public TurnMetrics(MeterRegistry meters, ObservationRegistry spans) {
        this.registry = meters;
        this.spans = spans;
        for (int i = 0; i < byTransport.length; i++) {
            byTransport[i] = new ConcurrentHashMap<>();
        }
    }

    private static ObservationRegistry spansOf(@Nullable DefaultTracingObservationHandler tracing) {
        if (tracing == null) {
            return ObservationRegistry.NOOP;
        }
        ObservationRegistry spans = ObservationRegistry.create();
        spans.observationConfig().observationHandler(tracing);
        return spans;
    }

    /**
     * Starts measuring a turn. When it continues a response that left function calls to the client, the turn's wall
     * time starts where that response ended: the client's tool time is the turn's {@code client_tool}.
     */
    public TurnStages start(TurnOrigin origin, @Nullable String previousResponseId) {
        long clientTool = 0;
        if (previousResponseId != null) {
            Long previousEnded = awaitingClient.getIfPresent(previousResponseId);
            if (previousEnded != null && previousEnded < origin.startedNanos()) {
                clientTool = origin.startedNanos() - previousEnded;
            }
        }
        TurnStages stages = new TurnStages(spans, origin.startedNanos(), clientTool);
        stages.add(Stage.DECODE, origin.decodeNanos());
        stages.add(Stage.AUTH, origin.authNanos());
        return stages;
    }

    /**
     * Records a finished turn (its terminal event is being emitted now); returns its timing when its caller asked to
     * see it ({@link TurnOrigin#showTiming()}), else null.
     */
    public @Nullable TurnTiming record(
            TurnStages stages,
            TurnOrigin origin,
            String responseId,
            String outcome,
            int inputTokens,
            int cachedTokens,
            int outputTokens) {
        long ended = System.nanoTime();
        if (stages.awaitsClientTools()) {
            awaitingClient.put(responseId, ended);
        }
        // the four buckets, each as its share of the one wall time, so that they add up to it exactly
        long model = stages.modelNanos();
        long tools = stages.clientToolNanos() + stages.nanos(Stage.TOOL);
        long postProcessing = stages.modelDoneNanos() == 0 ? 0 : ended - stages.modelDoneNanos();
        long wall = stages.clientToolNanos() + ended - stages.startedNanos();
        long overhead = wall - model - tools - postProcessing;
        Meters meters = meters(origin.transport(), outcome);
        meters.modelInference.record(model, TimeUnit.NANOSECONDS);
        meters.apiOverhead.record(overhead, TimeUnit.NANOSECONDS);
        meters.clientTool.record(tools, TimeUnit.NANOSECONDS);
        meters.postProcessing.record(postProcessing, TimeUnit.NANOSECONDS);
        for (Stage stage : STAGES) {
            long nanos = stages.nanos(stage);
            if (nanos > 0) {
                meters.stage(stage, stage == Stage.STATE_LOAD ? stages.tier() : TurnStages.Tier.NONE)
                        .record(nanos, TimeUnit.NANOSECONDS);
            }
        }
        meters.responses.increment();
        meters.inputTokens.increment(inputTokens - cachedTokens);
        meters.cachedInputTokens.increment(cachedTokens);
        meters.outputTokens.increment(outputTokens);
        return origin.showTiming() ? TurnTiming.of(stages, wall, model, tools, postProcessing) : null;
    }

    @SuppressWarnings("EnumOrdinal") // transports index a flat array
    private Meters meters(TurnOrigin.Transport transport, String outcome) {
        Map<String, Meters> byOutcome = byTransport[transport.ordinal()];
        Meters meters = byOutcome.get(outcome);
        return meters != null
                ? meters
                : byOutcome.computeIfAbsent(outcome, ignored -> new Meters(transport.tag(), outcome));
    }

    /** The meters of one transport and outcome, resolved once: recording a turn looks nothing up by name. */
    private final class Meters {

        private final String transport;
        private final String outcome;
        private final Timer modelInference;
        private final Timer apiOverhead;
        private final Timer clientTool;
        private final Timer postProcessing;
        private final Counter responses;
        private final Counter inputTokens;
        private final Counter cachedInputTokens;
        private final Counter outputTokens;
        /** Stage timers by stage and tier, registered on first use (a stage a transport never passes has none). */
        private final @Nullable Timer[] stages = new Timer[Stage.COUNT * TIERS.length];

        Meters(String transport, String outcome) {
            this.transport = transport;
            this.outcome = outcome;
            this.modelInference = timer(TURN, "bucket", "model_inference", null);
            this.apiOverhead = timer(TURN, "bucket", "api_overhead", null);
            this.clientTool = timer(TURN, "bucket", "client_tool", null);
            this.postProcessing = timer(TURN, "bucket", "post_processing", null);
            this.responses = Counter.builder("hotloop.responses")
                    .tag("status", outcome)
                    .tag("transport", transport)
                    .register(registry);
            this.inputTokens = tokens("input");
            this.cachedInputTokens = tokens("cached_input");
            this.outputTokens = tokens("output");
        }

        @SuppressWarnings("EnumOrdinal") // see byTransport
        Timer stage(Stage stage, TurnStages.Tier tier) {
            int index = stage.ordinal() * TIERS.length + tier.ordinal();
            Timer timer = stages[index];
            if (timer == null) {
                timer = timer(STAGE, "stage", stage.tag(), tier.tag());
                stages[index] = timer; // a race registers the same timer twice: the registry returns the existing one
            }
            return timer;
        }

        private Timer timer(String name, String kindTag, String kind, @Nullable String tier) {
            Timer.Builder builder = Timer.builder(name)
                    .tag(kindTag, kind)
                    .tag("transport", transport)
                    .tag("outcome", outcome)
                    .publishPercentileHistogram();
            if (tier != null) {
                builder.tag("tier", tier);
            }
            return builder.register(registry);
        }

        private Counter tokens(String kind) {
            // by transport only: the same counter for every outcome
            return Counter.builder("hotloop.tokens")
                    .tag("kind", kind)
                    .tag("transport", transport)
                    .register(registry);
        }
    }
}
