package dev.hotloop.api.transport.websocket;

import dev.hotloop.api.config.ApiProperties;
import dev.hotloop.api.context.Conversation;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * The memory all WebSocket connections share for the conversations they keep, every lane's latest included: one
 * least-recently-used order under one weight budget ({@code hotloop.api.websocket.cache-budget}), so neither many
 * idle connections nor one connection with many lanes can exhaust the heap. When a conversation would take the total
 * past the budget, the least recently used ones, whichever connection they belong to, are dropped until it fits (a
 * conversation heavier than the whole budget is not kept at all). A dropped conversation is hydrated from the store
 * when the request continuing it has {@code store:true}; with {@code store:false} it is
 * {@code previous_response_not_found}, as with OpenAI. Entries are keyed by connection, never visible to another.
 *
 * <p>A strict LRU rather than Caffeine's frequency-based admission: a lane's latest conversation, the one most
 * likely to be continued, must never be the one refused in favour of an older one.
 */
@Component
public class ConversationCache {

    record Key(long connection, String responseId) {}

    private final long budget;
    private final Map<Key, Conversation> entries = new LinkedHashMap<>(16, 0.75f, true);
    private long weight;
    private final Counter evictions;
    private final Counter hits;
    private final Counter misses;

    public ConversationCache(ApiProperties properties, MeterRegistry meters) {
        this.budget = properties.websocket().cacheBudget().toBytes();
        this.evictions = Counter.builder("hotloop.cache.evictions")
                .tag("tier", "connection")
                .description("Conversations dropped from connection caches to stay within the memory budget")
                .register(meters);
        this.hits = Counter.builder("hotloop.cache.requests")
                .tag("tier", "connection")
                .tag("result", "hit")
                .register(meters);
        this.misses = Counter.builder("hotloop.cache.requests")
                .tag("tier", "connection")
                .tag("result", "miss")
                .register(meters);
        Gauge.builder("hotloop.cache.entries", this, ConversationCache::size)
                .tag("tier", "connection")
                .register(meters);
        Gauge.builder("hotloop.cache.weight", this, ConversationCache::weight)
                .tag("tier", "connection")
                .baseUnit("bytes")
                .description("Estimated bytes held by the conversations of WebSocket connections")
                .register(meters);
    }

    void hit() {
        hits.increment();
    }

    void miss() {
        misses.increment();
    }

    /** The conversation, now the most recently used; null when it was never kept or has been dropped. */
    synchronized @Nullable Conversation get(long connection, String responseId) {
        return entries.get(new Key(connection, responseId));
    }

    /** Keeps a conversation as the most recently used, dropping the least recently used ones past the budget. */
    synchronized void put(long connection, String responseId, Conversation conversation) {
        Conversation replaced = entries.put(new Key(connection, responseId), conversation);
        weight += conversation.weight() - (replaced == null ? 0 : replaced.weight());
        Iterator<Conversation> oldestFirst = entries.values().iterator();
        while (weight > budget && oldestFirst.hasNext()) {
            weight -= oldestFirst.next().weight();
            oldestFirst.remove();
            evictions.increment();
        }
    }

    synchronized void evict(long connection, String responseId) {
        Conversation removed = entries.remove(new Key(connection, responseId));
        if (removed != null) {
            weight -= removed.weight();
        }
    }

    /** Drops everything a closed connection kept. */
    synchronized void release(long connection) {
        Iterator<Map.Entry<Key, Conversation>> all = entries.entrySet().iterator();
        while (all.hasNext()) {
            Map.Entry<Key, Conversation> entry = all.next();
            if (entry.getKey().connection() == connection) {
                weight -= entry.getValue().weight();
                all.remove();
            }
        }
    }

    synchronized long weight() {
        return weight;
    }

    synchronized int size() {
        return entries.size();
    }
}
