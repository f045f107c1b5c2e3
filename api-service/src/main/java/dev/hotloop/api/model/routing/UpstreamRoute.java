package dev.hotloop.api.model.routing;

import dev.hotloop.api.model.upstream.UpstreamException;
import dev.hotloop.protocol.model.ModelEvent;
import dev.hotloop.protocol.model.ModelProvider;
import dev.hotloop.protocol.model.ModelRequest;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.reactor.circuitbreaker.operator.CircuitBreakerOperator;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One upstream of a route: its provider behind its own circuit breaker, with a first-token and a between-events
 * timeout.
 *
 * @param label             how logs name it: route, index and URL, never its key
 * @param weight            its share of the route's requests; 0: failover only
 * @param firstTokenTimeout limit until the first event
 * @param readTimeout       limit between two events after the first
 */
public record UpstreamRoute(
        String label,
        int weight,
        ModelProvider provider,
        CircuitBreaker circuitBreaker,
        Duration firstTokenTimeout,
        Duration readTimeout) {

    /**
     * The provider's events. Errors with an {@link UpstreamException}: the provider's own, {@code TIMEOUT} when the
     * first event or the next one is late (the provider is cancelled), {@code UNAVAILABLE} when the breaker is open.
     * Every failure but a rejected or rate-limited request counts against the breaker; a cancel releases its permit.
     */
    public Flux<ModelEvent> stream(ModelRequest request) {
        return Flux.defer(() -> {
                    AtomicBoolean started = new AtomicBoolean();
                    return provider.stream(request)
                            .timeout(Mono.delay(firstTokenTimeout), event -> Mono.delay(readTimeout))
                            .doOnNext(event -> started.set(true))
                            .onErrorMap(
                                    TimeoutException.class,
                                    timeout -> new UpstreamException(
                                            UpstreamException.Kind.TIMEOUT,
                                            0,
                                            null,
                                            started.get()
                                                    ? "no data for " + seconds(readTimeout)
                                                    : "no first token within " + seconds(firstTokenTimeout),
                                            label + (started.get() ? " stalled" : " sent no first token in time"),
                                            timeout));
                })
                .transformDeferred(CircuitBreakerOperator.of(circuitBreaker))
                .onErrorMap(
                        CallNotPermittedException.class,
                        open -> new UpstreamException(
                                UpstreamException.Kind.UNAVAILABLE,
                                0,
                                null,
                                "its circuit breaker is open after repeated failures",
                                label + " is skipped: its circuit breaker is open",
                                open));
    }

    /** Whether the breaker lets calls through (closed or probing). */
    boolean available() {
        CircuitBreaker.State state = circuitBreaker.getState();
        return state != CircuitBreaker.State.OPEN && state != CircuitBreaker.State.FORCED_OPEN;
    }

    /** Failures that say nothing about the upstream's health: the request's fault, or a quota. */
    public static boolean ignoredByBreaker(Throwable error) {
        return error instanceof UpstreamException upstream
                && (upstream.kind() == UpstreamException.Kind.REJECTED
                        || upstream.kind() == UpstreamException.Kind.RATE_LIMITED);
    }

    private static String seconds(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
    }
}
