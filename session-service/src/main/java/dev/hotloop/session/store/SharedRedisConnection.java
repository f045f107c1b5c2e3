package dev.hotloop.session.store;

import java.time.Duration;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.RedisConnectionFailureException;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;

/**
 * Opens the Redis connection that all requests share, on a thread that may block, and keeps requests from opening it
 * themselves. Spring Data opens it synchronously on first use: done by a request, that connect (up to the connect
 * and command timeouts while Redis is slow or away) would block a Netty event loop and stall every request on it,
 * also those that never touch Redis. It is opened at start-up, before the server serves; when Redis cannot be
 * reached then, it is retried in the background and Redis calls fail at once as unavailable (503) meanwhile. Once
 * open, Lettuce reconnects by itself and the connection is never opened again.
 */
@Component
public class SharedRedisConnection implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(SharedRedisConnection.class);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(200);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    private final ReactiveRedisConnectionFactory connectionFactory;
    private volatile boolean open;
    private volatile @Nullable Disposable opening;

    public SharedRedisConnection(ReactiveRedisConnectionFactory connectionFactory) {
        this.connectionFactory = connectionFactory;
    }

    /** Runs a Redis call once the shared connection is open; before, fails with a {@link RedisConnectionFailureException}. */
    public <T> Mono<T> call(Supplier<Mono<T>> redisCall) {
        return open
                ? Mono.defer(redisCall)
                : Mono.error(() -> new RedisConnectionFailureException("Redis is not connected yet"));
    }

    public boolean isOpen() {
        return open;
    }

    @Override
    public void start() {
        try {
            connectionFactory.getReactiveConnection();
            open = true;
            opening = Disposables.disposed();
            return;
        } catch (RuntimeException unreachable) {
            log.warn("Redis not reachable at start-up ({}); answering 503 and retrying", unreachable.toString());
        }
        opening = Mono.fromRunnable(connectionFactory::getReactiveConnection)
                .subscribeOn(Schedulers.boundedElastic())
                .retryWhen(Retry.backoff(Long.MAX_VALUE, FIRST_BACKOFF)
                        .maxBackoff(MAX_BACKOFF)
                        .doBeforeRetry(signal -> log.debug(
                                "Redis not reachable yet ({}); retrying",
                                signal.failure().toString())))
                .subscribe(null, failure -> log.error("Gave up connecting to Redis", failure), () -> {
                    open = true;
                    log.info("Connected to Redis");
                });
    }

    @Override
    public void stop() {
        Disposable current = opening;
        opening = null;
        if (current != null) {
            current.dispose();
        }
    }

    @Override
    public boolean isRunning() {
        return opening != null;
    }

    /** Before the web server starts serving (its phase is {@code DEFAULT_PHASE - 1024}), and before the near cache. */
    @Override
    public int getPhase() {
        return Integer.MIN_VALUE;
    }
}
