package dev.hotloop.api.transport.websocket;

import dev.hotloop.api.config.ApiProperties;
import dev.hotloop.api.context.StoredConversations;
import dev.hotloop.api.limits.Grant;
import dev.hotloop.api.limits.TenantLimiter;
import dev.hotloop.api.loop.TurnEngine;
import dev.hotloop.api.metrics.TurnMetrics;
import dev.hotloop.api.security.ApiKeyFilter;
import dev.hotloop.api.security.ApiKeys;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketSession;
import reactor.core.publisher.Mono;

/**
 * WebSocket mode of {@code /v1/responses}: the handshake was authenticated by {@link ApiKeyFilter}.
 *
 * <p>On shutdown it drains before the web server stops (the highest lifecycle phase stops first): it takes no new
 * connection, lets every connection finish the responses it runs for up to {@code drain-timeout}, closes each with
 * 1001 (going away) so its client reconnects elsewhere and continues from stored state, then closes the rest.
 */
@Component
public class ResponsesWebSocketHandler implements WebSocketHandler, SmartLifecycle {

    /** Bound on the close handshakes of the connections still open when the drain timeout ends. */
    private static final Duration GO_AWAY_TIMEOUT = Duration.ofSeconds(2);

    private final ApiKeys apiKeys;
    private final TurnEngine engine;
    private final TurnMetrics metrics;
    private final ConversationCache cache;
    private final StoredConversations store;
    private final ApiProperties.WebSocket settings;
    private final Set<ResponsesConnection> connections = ConcurrentHashMap.newKeySet();
    private final TenantLimiter limiter;
    private final AtomicInteger queued = new AtomicInteger();
    private volatile boolean accepting;

    public ResponsesWebSocketHandler(
            ApiKeys apiKeys,
            TurnEngine engine,
            TurnMetrics metrics,
            ConversationCache cache,
            StoredConversations store,
            ApiProperties properties,
            MeterRegistry meters,
            TenantLimiter limiter) {
        this.limiter = limiter;
        this.apiKeys = apiKeys;
        this.metrics = metrics;
        this.engine = engine;
        this.cache = cache;
        this.store = store;
        this.settings = properties.websocket();
        Gauge.builder("hotloop.websocket.connections", connections, Set::size)
                .description("Open WebSocket connections")
                .register(meters);
        Gauge.builder("hotloop.websocket.queued_creates", queued, AtomicInteger::get)
                .description("response.create frames waiting behind a running response of their lane")
                .register(meters);
    }

    @Override
    public Mono<Void> handle(WebSocketSession session) {
        // the handshake passed ApiKeyFilter, so the key is known
        String tenant = apiKeys.tenantOf(Objects.requireNonNull(
                        ApiKeyFilter.bearerKey(session.getHandshakeInfo().getHeaders())))
                .orElseThrow();
        // the connection's slot, taken by RateLimitFilter on the handshake, is held until the connection ends
        return Mono.deferContextual(context ->
                Mono.using(() -> open(session, tenant), ResponsesConnection::serve, connection -> {
                    connections.remove(connection);
                    Grant.in(context).ifPresent(Grant::release);
                }));
    }

    private ResponsesConnection open(WebSocketSession session, String tenant) {
        ResponsesConnection connection =
                new ResponsesConnection(session, tenant, engine, cache, store, settings, queued, limiter);
        connections.add(connection);
        if (!accepting) {
            connection.drain(); // upgraded while the drain began
        }
        return connection;
    }

    /** False once draining: new upgrades are refused with 503. */
    boolean accepting() {
        return accepting;
    }

    @Override
    public void start() {
        accepting = true;
    }

    @Override
    public boolean isRunning() {
        return accepting;
    }

    @Override
    public void stop() {
        drain().block();
    }

    @Override
    public void stop(Runnable callback) {
        drain().subscribe(null, error -> callback.run(), callback);
    }

    private Mono<Void> drain() {
        accepting = false;
        connections.forEach(ResponsesConnection::drain);
        return Mono.when(connections.stream().map(ResponsesConnection::closed).toList())
                .timeout(settings.drainTimeout(), Mono.defer(() -> {
                    connections.forEach(ResponsesConnection::goAway);
                    return Mono.when(connections.stream()
                                    .map(ResponsesConnection::closed)
                                    .toList())
                            .timeout(GO_AWAY_TIMEOUT, Mono.empty());
                }));
    }
}
