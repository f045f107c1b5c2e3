package dev.hotloop.api.metrics;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.context.ContextView;

/**
 * A span (Micrometer observation {@code hotloop.stage.<stage>}) around a turn's remote stages, child of the request's
 * own observation found in the Reactor context, and the parent of the calls the stage makes (e.g. the HTTP call to
 * tool-runner), so one turn reads as one trace. Starts on subscription, stops on completion, error or cancel.
 */
public final class StageSpans {

    private final ObservationRegistry observations;

    public StageSpans(ObservationRegistry observations) {
        this.observations = observations;
    }

    public <T> Mono<T> mono(String stage, Mono<T> work) {
        return Mono.deferContextual(context -> {
            Observation span = start(stage, context);
            return work.doOnError(span::error)
                    .doFinally(signal -> span.stop())
                    .contextWrite(inner -> inner.put(ObservationThreadLocalAccessor.KEY, span));
        });
    }

    public <T> Flux<T> flux(String stage, Flux<T> work) {
        return Flux.deferContextual(context -> {
            Observation span = start(stage, context);
            return work.doOnError(span::error)
                    .doFinally(signal -> span.stop())
                    .contextWrite(inner -> inner.put(ObservationThreadLocalAccessor.KEY, span));
        });
    }

    private Observation start(String stage, ContextView context) {
        Observation parent = context.getOrDefault(ObservationThreadLocalAccessor.KEY, null);
        return Observation.createNotStarted("hotloop.stage." + stage, observations)
                .lowCardinalityKeyValue("stage", stage)
                .parentObservation(parent)
                .start();
    }
}
