package dev.hotloop.api.transport.websocket;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.hotloop.api.config.ApiProperties;
import dev.hotloop.api.context.Conversation;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;
import org.jspecify.annotations.Nullable;

/**
 * The memory all WebSocket connections share for the conversations they keep besides their latest one per
 * lane (those stay with their connection): one weighted LRU under a global budget, so many idle
 * connections cannot exhaust the heap. Entries are keyed by connection, never visible to another.
 */
@Component
public class ConversationCache {

    record Key(long connection, String responseId) {
    }

    private final Cache<Key, Conversation> entries;
    private final Counter hits;
    private final Counter misses;

    public ConversationCache(ApiProperties properties, MeterRegistry meters) {
        Counter evictions = Counter.builder("hotloop.cache.evictions").tag("tier", "connection")
                .description("Conversations dropped from connection caches to stay within the memory budget")
                .register(meters);
        this.entries = Caffeine.newBuilder()
                .maximumWeight(properties.websocket().cacheBudget().toBytes())
                .weigher((Key key, Conversation conversation) -> (int) Math.min(Integer.MAX_VALUE, conversation.weight()))
                .removalListener((key, value, cause) -> {
                    if (cause.wasEvicted()) {
                        evictions.increment();
                    }
                })
                .executor(Runnable::run)
                .build();
        this.hits = Counter.builder("hotloop.cache.requests").tag("tier", "connection").tag("result", "hit")
                .register(meters);
        this.misses = Counter.builder("hotloop.cache.requests").tag("tier", "connection").tag("result", "miss")
                .register(meters);
        Gauge.builder("hotloop.cache.entries", entries, cache -> cache.estimatedSize()).tag("tier", "connection")
                .register(meters);
    }

    void hit() {
        hits.increment();
    }

    void miss() {
        misses.increment();
    }

    @Nullable Conversation get(long connection, String responseId) {
        return entries.getIfPresent(new Key(connection, responseId));
    }

    void put(long connection, String responseId, Conversation conversation) {
        entries.put(new Key(connection, responseId), conversation);
    }

    void evict(long connection, String responseId) {
        entries.invalidate(new Key(connection, responseId));
    }

    /** Drops everything a closed connection kept. */
    void release(long connection) {
        entries.asMap().keySet().removeIf(key -> key.connection() == connection);
    }
}
