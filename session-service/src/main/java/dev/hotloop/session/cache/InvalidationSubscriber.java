package dev.hotloop.session.cache;

import dev.hotloop.protocol.id.ChainKeys;
import io.lettuce.core.event.connection.ConnectionDeactivatedEvent;
import io.lettuce.core.resource.ClientResources;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.connection.ReactiveSubscription;
import org.springframework.data.redis.connection.SubscriptionListener;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.ReactiveRedisMessageListenerContainer;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * Keeps the {@link NearCache} in step with deletes on every replica: subscribes to
 * {@link ChainKeys#INVALIDATIONS} and drops each published {@code <tenant>:<id>}.
 *
 * <p>The cache serves only while the subscription is confirmed, and starts empty on every confirmation (the first
 * one and each one after Lettuce reconnected), because messages published meanwhile are lost. It is also emptied
 * whenever any Redis connection of this replica drops. A subscription that fails is retried with backoff on a new
 * connection; the cache stays off until then.
 */
@Component
class InvalidationSubscriber implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(InvalidationSubscriber.class);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(200);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);

    private final ReactiveRedisConnectionFactory connectionFactory;
    private final @Nullable ClientResources clientResources;
    private final NearCache cache;
    private final SubscriptionListener confirmations = new SubscriptionListener() {
        @Override
        public void onChannelSubscribed(byte[] channel, long count) {
            cache.activate();
            log.info("Near cache on: subscribed to {}", ChainKeys.INVALIDATIONS);
        }
    };

    private volatile @Nullable ReactiveRedisMessageListenerContainer container;
    private volatile @Nullable Disposable running;

    InvalidationSubscriber(
            ReactiveRedisConnectionFactory connectionFactory,
            ObjectProvider<ClientResources> clientResources,
            NearCache cache) {
        this.connectionFactory = connectionFactory;
        this.clientResources = clientResources.getIfAvailable();
        this.cache = cache;
    }

    @Override
    public void start() {
        if (!cache.isEnabled()) {
            return;
        }
        Disposable.Composite subscriptions = Disposables.composite();
        if (clientResources != null) {
            subscriptions.add(clientResources
                    .eventBus()
                    .get()
                    .filter(ConnectionDeactivatedEvent.class::isInstance)
                    .subscribe(event -> cache.invalidateAll()));
        }
        subscriptions.add(invalidations()
                .retryWhen(Retry.backoff(Long.MAX_VALUE, FIRST_BACKOFF)
                        .maxBackoff(MAX_BACKOFF)
                        .transientErrors(true)
                        .doBeforeRetry(
                                signal -> log.atLevel(signal.totalRetriesInARow() == 0 ? Level.WARN : Level.DEBUG)
                                        .log(
                                                "Near cache off: no subscription to {} ({}); retrying",
                                                ChainKeys.INVALIDATIONS,
                                                signal.failure().toString())))
                .subscribe(this::invalidate));
        running = subscriptions;
    }

    @Override
    public void stop() {
        Disposable subscriptions = running;
        running = null;
        if (subscriptions != null) {
            subscriptions.dispose();
        }
        ReactiveRedisMessageListenerContainer current = container;
        container = null;
        if (current != null) {
            current.destroyLater().onErrorComplete().block(STOP_TIMEOUT);
        }
        cache.deactivate();
    }

    @Override
    public boolean isRunning() {
        return running != null;
    }

    /**
     * One subscription on its own container: a container whose first connect failed keeps failing, so each attempt
     * takes a new one. Ends with an error when the subscription fails or ends.
     */
    private Flux<String> invalidations() {
        return Flux.defer(() -> {
            ReactiveRedisMessageListenerContainer attempt =
                    new ReactiveRedisMessageListenerContainer(connectionFactory);
            container = attempt;
            return attempt.receive(List.of(ChannelTopic.of(ChainKeys.INVALIDATIONS)), confirmations)
                    .map(ReactiveSubscription.Message::getMessage)
                    .concatWith(Mono.error(() -> new IllegalStateException("subscription ended")))
                    .onErrorResume(error -> {
                        cache.deactivate();
                        return attempt.destroyLater().onErrorComplete().then(Mono.error(error));
                    });
        });
    }

    /** A message is a response's {@link ChainKeys#ref()}. */
    private void invalidate(String ref) {
        ChainKeys.ofRef(ref).ifPresent(keys -> cache.invalidate(keys.tenant(), keys.responseId()));
    }
}
