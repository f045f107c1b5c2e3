package dev.hotloop.api.metrics;

import java.util.function.Function;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

/**
 * Splits a model stream's wall time into the model's own time (time to first event, decoding) and the time its
 * consumers spent on each event downstream, which is hotloop's {@code emit} work, not the model's.
 */
final class ModelStreamTiming {

    private ModelStreamTiming() {}

    static <T> Flux<T> measured(Flux<T> model, TurnStages stages) {
        Function<? super Publisher<T>, ? extends Publisher<T>> timing =
                Operators.<T, T>lift((scannable, downstream) -> new Timed<>(downstream, stages));
        return model.transform(timing);
    }

    private record Timed<T>(CoreSubscriber<? super T> downstream, TurnStages stages) implements CoreSubscriber<T> {

        @Override
        public void onSubscribe(Subscription subscription) {
            stages.modelStarted();
            downstream.onSubscribe(subscription);
        }

        @Override
        public void onNext(T event) {
            stages.modelEvent();
            long handling = System.nanoTime();
            downstream.onNext(event);
            stages.modelEventHandled(System.nanoTime() - handling);
        }

        @Override
        public void onError(Throwable error) {
            stages.modelDone();
            downstream.onError(error);
        }

        @Override
        public void onComplete() {
            stages.modelDone();
            downstream.onComplete();
        }

        @Override
        public Context currentContext() {
            return downstream.currentContext();
        }
    }
}
