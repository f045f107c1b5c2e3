package dev.hotloop.api.metrics;

import io.micrometer.observation.ObservationRegistry;
import java.util.Locale;
import java.util.function.Supplier;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxOperator;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoOperator;

/**
 * One turn's measurement: the time of each {@link Stage}, taken at the same start and stop points that open and close
 * the spans of its remote stages (state load, model, tool, persist), so that timers and traces cannot disagree.
 * Business code hands its work to {@link #measure} and {@link #model} and never reads the clock; {@link TurnMetrics}
 * makes one from a turn's origin and records it when the turn ends. A turn's events are serial, so one turn is
 * measured by one thread at a time.
 */
public final class TurnStages {

    /** Where the conversation a turn continues came from; a low-cardinality tag. */
    public enum Tier {
        NONE,
        CONNECTION,
        STORE;

        private final String tag = name().toLowerCase(Locale.ROOT);

        public String tag() {
            return tag;
        }
    }

    private static final String MODEL_SPAN = "hotloop.stage.model";

    private final ObservationRegistry spans;
    private final long startedNanos;
    private final long clientToolNanos;
    private final long[] stages = new long[Stage.COUNT];
    private Tier tier = Tier.NONE;
    private boolean awaitsClientTools;
    private long roundStarted;
    private long roundFirstEvent;
    private long roundDownstream;
    private long lastModelDone;

    /**
     * @param startedNanos    when the turn's request arrived ({@link System#nanoTime()})
     * @param clientToolNanos the client's own tool time before it: from the response it continues, when that ended
     *                        with function calls left to the client, to the request answering them; else 0
     */
    TurnStages(ObservationRegistry spans, long startedNanos, long clientToolNanos) {
        this.spans = spans;
        this.startedNanos = startedNanos;
        this.clientToolNanos = clientToolNanos;
    }

    /**
     * {@code work}, timed as {@code stage} from subscription to its value, completion, error or cancel; a remote stage
     * is also a span over the same interval, child of the request's observation found in the Reactor context and
     * parent of the calls the stage makes (e.g. the HTTP call to tool-runner), so one turn reads as one trace.
     */
    public <T> Mono<T> measure(Stage stage, Mono<T> work) {
        return new MonoOperator<T, T>(work) {
            @Override
            public void subscribe(CoreSubscriber<? super T> actual) {
                source.subscribe(
                        StageInterval.open(actual, TurnStages.this, spans, stage, stage.span(), stage.tag(), true));
            }
        };
    }

    /** {@code work}, run now and timed as {@code stage} (a CPU stage: no span). */
    public <T> T measure(Stage stage, Supplier<T> work) {
        long started = System.nanoTime();
        try {
            return work.get();
        } finally {
            add(stage, System.nanoTime() - started);
        }
    }

    /**
     * A model stream, timed as {@link Stage#MODEL_TTFT} (to its first event) and {@link Stage#MODEL_DECODE} (the rest,
     * less the time its consumers spent on each event, which is {@link Stage#EMIT}), and one span over all of it.
     */
    public <T> Flux<T> model(Flux<T> stream) {
        Flux<T> spanned = new FluxOperator<T, T>(stream) {
            @Override
            public void subscribe(CoreSubscriber<? super T> actual) {
                source.subscribe(StageInterval.open(actual, TurnStages.this, spans, null, MODEL_SPAN, "model", false));
            }
        };
        return ModelStreamTiming.measured(spanned, this);
    }

    /** Notes where the conversation the turn continues was found. */
    public void tier(Tier loadedFrom) {
        tier = loadedFrom;
    }

    /** Notes that the turn's response left function calls to the client, whose answer starts the next turn. */
    public void awaitClientTools() {
        awaitsClientTools = true;
    }

    @SuppressWarnings("EnumOrdinal") // stages index a flat array: no map on the hot path
    void add(Stage stage, long nanos) {
        stages[stage.ordinal()] += nanos;
    }

    @SuppressWarnings("EnumOrdinal") // see add
    long nanos(Stage stage) {
        return stages[stage.ordinal()];
    }

    long startedNanos() {
        return startedNanos;
    }

    long clientToolNanos() {
        return clientToolNanos;
    }

    Tier tier() {
        return tier;
    }

    boolean awaitsClientTools() {
        return awaitsClientTools;
    }

    /** A sampling step starts (a response with hosted tools has several). */
    void modelStarted() {
        roundStarted = System.nanoTime();
        roundFirstEvent = 0;
        roundDownstream = 0;
    }

    void modelEvent() {
        if (roundFirstEvent == 0) {
            roundFirstEvent = System.nanoTime();
            add(Stage.MODEL_TTFT, roundFirstEvent - roundStarted);
        }
    }

    /**
     * Time the model stream's consumers spent handling one event (assembling items, encoding, writing): with a model
     * that emits synchronously it would otherwise count as model time.
     */
    void modelEventHandled(long nanos) {
        roundDownstream += nanos;
        add(Stage.EMIT, nanos);
    }

    void modelDone() {
        if (roundStarted != 0) {
            lastModelDone = System.nanoTime();
            long window = lastModelDone - (roundFirstEvent != 0 ? roundFirstEvent : roundStarted);
            add(Stage.MODEL_DECODE, Math.max(0, window - roundDownstream));
            roundStarted = 0;
        }
    }

    /** Time spent waiting on the model, over all its sampling steps. */
    long modelNanos() {
        return nanos(Stage.MODEL_TTFT) + nanos(Stage.MODEL_DECODE);
    }

    /** When the model last finished, or 0 when it never ran. */
    long modelDoneNanos() {
        return lastModelDone;
    }
}
