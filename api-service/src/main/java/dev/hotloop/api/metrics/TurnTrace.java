package dev.hotloop.api.metrics;

import java.util.Locale;

/**
 * Where one turn's time went, stage by stage, in nanoseconds. A turn's events are serial, so one trace is
 * written by one thread at a time; transports add their decode and emit time to it.
 */
public final class TurnTrace {

    /** Where the conversation a turn continues came from; a low-cardinality tag. */
    public enum Tier {
        NONE,
        CONNECTION,
        STORE;

        public String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final long startedNanos;
    private final long[] stages = new long[Stage.values().length];
    private Tier tier = Tier.NONE;
    private long roundStarted;
    private long roundFirstEvent;
    private long roundDownstream;
    private long lastModelDone;

    public TurnTrace(long startedNanos) {
        this.startedNanos = startedNanos;
    }

    public long startedNanos() {
        return startedNanos;
    }

    @SuppressWarnings("EnumOrdinal") // stages index a flat array: no map on the hot path
    public void add(Stage stage, long nanos) {
        stages[stage.ordinal()] += nanos;
    }

    /** Adds the time since {@code sinceNanos} to {@code stage}. */
    public void addSince(Stage stage, long sinceNanos) {
        add(stage, System.nanoTime() - sinceNanos);
    }

    @SuppressWarnings("EnumOrdinal") // see add
    public long nanos(Stage stage) {
        return stages[stage.ordinal()];
    }

    public Tier tier() {
        return tier;
    }

    public void tier(Tier loadedFrom) {
        tier = loadedFrom;
    }

    /** A sampling step starts (a response with hosted tools has several). */
    public void modelStarted() {
        roundStarted = System.nanoTime();
        roundFirstEvent = 0;
        roundDownstream = 0;
    }

    public void modelEvent() {
        if (roundFirstEvent == 0) {
            roundFirstEvent = System.nanoTime();
            add(Stage.MODEL_TTFT, roundFirstEvent - roundStarted);
        }
    }

    /**
     * Time the model stream's consumers spent handling one event (assembling items, encoding, writing): with a model
     * that emits synchronously it would otherwise count as model time.
     */
    public void modelEventHandled(long nanos) {
        roundDownstream += nanos;
        add(Stage.EMIT, nanos);
    }

    public void modelDone() {
        if (roundStarted != 0) {
            lastModelDone = System.nanoTime();
            long window = lastModelDone - (roundFirstEvent != 0 ? roundFirstEvent : roundStarted);
            add(Stage.MODEL_DECODE, Math.max(0, window - roundDownstream));
            roundStarted = 0;
        }
    }

    /** Time spent waiting on the model, over all its sampling steps. */
    public long modelNanos() {
        return nanos(Stage.MODEL_TTFT) + nanos(Stage.MODEL_DECODE);
    }

    /** When the model last finished (or the turn started, when it sampled nothing). */
    public long modelDoneNanos() {
        return lastModelDone != 0 ? lastModelDone : startedNanos;
    }
}
