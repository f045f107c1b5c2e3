package dev.hotloop.api.metrics;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.util.context.Context;

/**
 * One stage's interval over a publisher: opened on subscription, closed once, on its value (a {@code Mono}'s: the
 * stage's work is done when the value is ready), completion, error or cancel, and always before the signal goes
 * downstream, where the rest of the turn may run synchronously. Closing adds the time to the stage, when it has one,
 * and stops its span, when it has one; the span is the parent of whatever the work observes (e.g. its HTTP call).
 */
final class StageInterval<T> implements CoreSubscriber<T>, Subscription {

    private final CoreSubscriber<? super T> downstream;
    private final TurnStages stages;
    private final @Nullable Stage stage;
    private final boolean closesOnValue;
    private final Observation span;
    private final Context context;
    private final long started;
    private @Nullable Subscription upstream;
    private boolean closed;

    private StageInterval(
            CoreSubscriber<? super T> downstream,
            TurnStages stages,
            @Nullable Stage stage,
            boolean closesOnValue,
            Observation span,
            Context context) {
        this.downstream = downstream;
        this.stages = stages;
        this.stage = stage;
        this.closesOnValue = closesOnValue;
        this.span = span;
        this.context = context;
        this.started = System.nanoTime();
    }

    /**
     * Opens an interval for {@code downstream}'s subscription: timed as {@code stage} when not null, and a span named
     * {@code spanName} (tagged {@code stage=spanTag}) under the observation in the subscriber's context when not null.
     */
    static <T> StageInterval<T> open(
            CoreSubscriber<? super T> downstream,
            TurnStages stages,
            ObservationRegistry spans,
            @Nullable Stage stage,
            @Nullable String spanName,
            String spanTag,
            boolean closesOnValue) {
        Context context = downstream.currentContext();
        if (spanName == null || spans.isNoop()) {
            return new StageInterval<>(downstream, stages, stage, closesOnValue, Observation.NOOP, context);
        }
        Observation parent = context.getOrDefault(ObservationThreadLocalAccessor.KEY, null);
        Observation span = Observation.createNotStarted(spanName, spans)
                .lowCardinalityKeyValue("stage", spanTag)
                .parentObservation(parent)
                .start();
        return new StageInterval<>(
                downstream, stages, stage, closesOnValue, span, context.put(ObservationThreadLocalAccessor.KEY, span));
    }

    private void close() {
        if (!closed) {
            closed = true;
            if (stage != null) {
                stages.add(stage, System.nanoTime() - started);
            }
            span.stop();
        }
    }

    @Override
    public void onSubscribe(Subscription subscription) {
        upstream = subscription;
        downstream.onSubscribe(this);
    }

    @Override
    public void onNext(T value) {
        if (closesOnValue) {
            close();
        }
        downstream.onNext(value);
    }

    @Override
    public void onError(Throwable error) {
        if (!closed) {
            span.error(error);
        }
        close();
        downstream.onError(error);
    }

    @Override
    public void onComplete() {
        close();
        downstream.onComplete();
    }

    @Override
    public void request(long n) {
        if (upstream != null) {
            upstream.request(n);
        }
    }

    @Override
    public void cancel() {
        close();
        if (upstream != null) {
            upstream.cancel();
        }
    }

    @Override
    public Context currentContext() {
        return context;
    }
}
