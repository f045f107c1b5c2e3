package dev.hotloop.api.model.routing;

import dev.hotloop.api.model.upstream.UpstreamException;
import dev.hotloop.protocol.error.ApiException;
import dev.hotloop.protocol.error.ErrorCodes;
import dev.hotloop.protocol.model.ModelEvent;
import dev.hotloop.protocol.model.ModelProvider;
import dev.hotloop.protocol.model.ModelRequest;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.reactor.retry.RetryOperator;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;

/**
 * A public model served by one or more upstreams. Each request goes to an upstream picked by weight among those whose
 * breaker is closed. Until the first event reaches the client, a transient failure (connect error, 5xx, 429, time out,
 * open breaker) is retried through a Resilience4j {@link Retry}: on another upstream at once when one is left untried,
 * else on the same ones after the backoff or, for a 429, its {@code retry-after} (a longer one than allowed fails at
 * once). After the first event nothing is retried: the stream fails, and the engine ends the response as failed.
 * Every failure reaches the engine as an {@link ApiException} whose message says what happened, without naming
 * hosts or keys.
 */
public final class RoutedModel implements ModelProvider {

    private static final Logger log = LoggerFactory.getLogger(RoutedModel.class);

    private final String model;
    private final List<UpstreamRoute> upstreams;
    private final boolean hostsMcp;
    private final Retry retry;
    private final Duration backoff;
    private final Duration maxRetryAfter;
    private final RandomGenerator random;

    /**
     * @param hostsMcp      whether hotloop hosts {@code mcp} tools for this model (its upstreams do not implement MCP)
     * @param maxAttempts   attempts before the first token, failovers included
     * @param backoff       first wait before retrying upstreams already tried, doubling after each
     * @param maxRetryAfter longest {@code retry-after} waited for
     * @param random        the weighted pick's randomness
     */
    public RoutedModel(
            String model,
            List<UpstreamRoute> upstreams,
            boolean hostsMcp,
            RetryRegistry retries,
            int maxAttempts,
            Duration backoff,
            Duration maxRetryAfter,
            RandomGenerator random) {
        if (upstreams.isEmpty()) {
            throw new IllegalArgumentException("Model '" + model + "' has no upstream");
        }
        this.model = model;
        this.upstreams = List.copyOf(upstreams);
        this.hostsMcp = hostsMcp;
        this.backoff = backoff;
        this.maxRetryAfter = maxRetryAfter;
        this.random = random;
        this.retry = retries.retry(
                "model-" + model,
                RetryConfig.custom()
                        .maxAttempts(Math.max(1, maxAttempts))
                        .retryOnException(Retryable.class::isInstance)
                        .intervalBiFunction(
                                (attempt, outcome) -> outcome.isLeft() && outcome.getLeft() instanceof Retryable r
                                        ? r.delay.toMillis()
                                        : backoff.toMillis())
                        .build());
    }

    @Override
    public boolean hostsMcp() {
        return hostsMcp;
    }

    public List<UpstreamRoute> upstreams() {
        return upstreams;
    }

    /**
     * Streams the model's events from one upstream, failing over and retrying before the first event as described
     * above. Errors with an {@link ApiException}. Cancelling cancels the upstream call, or the wait for a retry.
     */
    @Override
    public Flux<ModelEvent> stream(ModelRequest request) {
        return Flux.defer(() -> {
            Attempts attempts = new Attempts();
            return Flux.defer(() -> attempt(request, attempts))
                    .transformDeferred(RetryOperator.of(retry))
                    .onErrorMap(error -> clientError(error, attempts));
        });
    }

    private Flux<ModelEvent> attempt(ModelRequest request, Attempts attempts) {
        UpstreamRoute upstream = attempts.pick();
        return upstream.stream(request)
                .doOnNext(event -> attempts.streaming = true)
                .onErrorMap(error -> attempts.streaming ? error : beforeFirstToken(error, upstream, attempts));
    }

    /** A failure before any event: another attempt (a {@link Retryable} with its delay) or the final error. */
    private Throwable beforeFirstToken(Throwable error, UpstreamRoute upstream, Attempts attempts) {
        UpstreamException failure = upstreamFailure(error);
        log.warn(
                "Model '{}': {} failed before the first token (attempt {}): {}",
                model,
                upstream.label(),
                attempts.count,
                failure.getMessage());
        if (!failure.kind().isTransient()) {
            return failure;
        }
        if (attempts.untriedLeft()) {
            return new Retryable(Duration.ZERO, failure);
        }
        return switch (failure.kind()) {
            case RATE_LIMITED -> {
                Duration wait = failure.retryAfter() != null ? failure.retryAfter() : backoff(attempts);
                yield wait.compareTo(maxRetryAfter) > 0 ? failure : new Retryable(wait, failure);
            }
            // as slow again, or refused again by the breaker, on the same upstreams
            case TIMEOUT -> failure;
            case UNAVAILABLE ->
                failure.getCause() instanceof CallNotPermittedException
                        ? failure
                        : new Retryable(backoff(attempts), failure);
            case REJECTED, MALFORMED -> failure;
        };
    }

    private Duration backoff(Attempts attempts) {
        return backoff.multipliedBy(1L << Math.min(10, attempts.retriesOfTried++));
    }

    /**
     * The error a client sees. Its code is one of the Responses API's {@code response.error.code} values
     * ({@code rate_limit_exceeded}, {@code invalid_prompt}, else {@code server_error}), since validating SDKs refuse
     * others in {@code response.failed}; the message says what happened.
     */
    private ApiException clientError(Throwable error, Attempts attempts) {
        if (error instanceof ApiException api) {
            return api;
        }
        UpstreamException failure = upstreamFailure(error instanceof Retryable retryable ? retryable.failure : error);
        String detail = failure.detail() != null ? " (" + failure.detail() + ")" : "";
        if (attempts.streaming) {
            log.warn("Model '{}': the upstream failed mid-stream: {}", model, failure.getMessage());
            return serverError(502, "The model '" + model + "' failed mid-stream" + detail + ".");
        }
        String tried = attempts.count == 1 ? "" : " after " + attempts.count + " attempts";
        return switch (failure.kind()) {
            case RATE_LIMITED ->
                ApiException.serverError(
                        429,
                        ErrorCodes.RATE_LIMIT_EXCEEDED,
                        "The model '" + model + "' is rate limited upstream" + detail + tried + ". Retry later.");
            case TIMEOUT -> serverError(504, "The model '" + model + "' did not answer in time" + detail + tried + ".");
            case UNAVAILABLE -> serverError(503, "The model '" + model + "' is unavailable" + detail + tried + ".");
            case MALFORMED ->
                serverError(502, "The model '" + model + "' sent a response hotloop cannot read" + detail + ".");
            case REJECTED ->
                failure.status() == 401 || failure.status() == 403
                        ? serverError(
                                502,
                                "The model '" + model + "' refused hotloop's credentials (HTTP " + failure.status()
                                        + "): check its api key.")
                        : ApiException.invalidRequest(
                                null,
                                ErrorCodes.INVALID_PROMPT,
                                "The model '" + model + "' refused the request" + detail + ".");
        };
    }

    private static ApiException serverError(int status, String message) {
        return ApiException.serverError(status, ErrorCodes.SERVER_ERROR, message);
    }

    private UpstreamException upstreamFailure(Throwable error) {
        if (error instanceof UpstreamException upstream) {
            return upstream;
        }
        return new UpstreamException(
                UpstreamException.Kind.UNAVAILABLE, 0, null, null, "model '" + model + "' failed: " + error, error);
    }

    /** Another attempt, after {@code delay}. */
    static final class Retryable extends RuntimeException {

        private final Duration delay;
        private final UpstreamException failure;

        Retryable(Duration delay, UpstreamException failure) {
            super(failure.getMessage(), failure, false, false);
            this.delay = delay;
            this.failure = failure;
        }
    }

    /** The attempts of one request. Touched only by its own serial stream. */
    private final class Attempts {

        private final Set<UpstreamRoute> tried = new HashSet<>();
        private int count;
        private int retriesOfTried;
        private volatile boolean streaming;

        /** By weight among untried upstreams with a closed breaker; when all were tried, among all again. */
        UpstreamRoute pick() {
            count++;
            List<UpstreamRoute> untried = upstreams.stream()
                    .filter(upstream -> !tried.contains(upstream))
                    .toList();
            if (untried.isEmpty()) {
                tried.clear();
                untried = upstreams;
            }
            List<UpstreamRoute> candidates =
                    untried.stream().filter(UpstreamRoute::available).toList();
            if (candidates.isEmpty()) {
                candidates = untried; // every breaker is open: the call fails fast with a clear error
            }
            UpstreamRoute picked = weighted(candidates);
            tried.add(picked);
            return picked;
        }

        boolean untriedLeft() {
            return upstreams.stream().anyMatch(upstream -> !tried.contains(upstream) && upstream.available());
        }

        private UpstreamRoute weighted(List<UpstreamRoute> candidates) {
            List<UpstreamRoute> weighted = new ArrayList<>(
                    candidates.stream().filter(u -> u.weight() > 0).toList());
            if (weighted.isEmpty()) {
                return candidates.getFirst(); // only failover upstreams left: in configured order
            }
            long total = weighted.stream().mapToLong(UpstreamRoute::weight).sum();
            double point = random.nextDouble() * total;
            for (UpstreamRoute upstream : weighted) {
                point -= upstream.weight();
                if (point < 0) {
                    return upstream;
                }
            }
            return weighted.getLast();
        }
    }
}
