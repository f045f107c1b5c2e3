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
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketSession;
import reactor.core.publisher.Mono;

/** WebSocket mode of {@code /v1/responses}: the handshake was authenticated by {@link ApiKeyFilter}. */
@Component
public class ResponsesWebSocketHandler implements WebSocketHandler {

    private final ApiKeys apiKeys;
    private final TurnEngine engine;
    private final TurnMetrics metrics;
    private final ConversationCache cache;
    private final StoredConversations store;
    private final ApiProperties.WebSocket settings;
    private final TenantLimiter limiter;
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger queued = new AtomicInteger();

    public ResponsesWebSocketHandler(ApiKeys apiKeys, TurnEngine engine, TurnMetrics metrics, ConversationCache cache,
                                     StoredConversations store, ApiProperties properties, MeterRegistry meters,
                                     TenantLimiter limiter) {
        this.limiter = limiter;
        this.apiKeys = apiKeys;
        this.metrics = metrics;
        this.engine = engine;
        this.cache = cache;
        this.store = store;
        this.settings = properties.websocket();
        Gauge.builder("hotloop.websocket.connections", open, AtomicInteger::get)
                .description("Open WebSocket connections").register(meters);
        Gauge.builder("hotloop.websocket.queued_creates", queued, AtomicInteger::get)
                .description("response.create frames waiting behind a running response of their lane").register(meters);
    }

    @Override
    public Mono<Void> handle(WebSocketSession session) {
        // the handshake passed ApiKeyFilter, so the key is known
        String tenant = apiKeys.tenantOf(ApiKeyFilter.bearerKey(session.getHandshakeInfo().getHeaders())).orElseThrow();
        // the connection's slot, taken by RateLimitFilter on the handshake, is held until the connection ends
        return Mono.deferContextual(context -> {
            open.incrementAndGet();
            return new ResponsesConnection(session, tenant, engine, metrics, cache, store, settings, queued, limiter)
                    .serve()
                    .doFinally(signal -> {
                        open.decrementAndGet();
                        Grant.in(context).ifPresent(Grant::release);
                    });
        });
    }
}
