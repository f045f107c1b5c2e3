package dev.hotloop.session.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.hotloop.session.SessionProperties;
import dev.hotloop.session.store.ResponseContext;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.jspecify.annotations.Nullable;

/**
 * The replica's bounded in-process cache of what {@code GET …/{id}} and {@code GET …/{id}/context} answer, keyed by
 * tenant and response id. api-service routes every call of a chain to one replica, so that replica's cache hits.
 *
 * <p>Stored responses never change, so an entry can only go stale by a delete. Every delete is published over Redis
 * pub/sub and dropped here by {@link #invalidate}; entries are served and filled only while that subscription is up
 * ({@link #isActive()}), and everything is dropped whenever it (re)starts, because messages may have been missed.
 * Entries expire a while after they were written ({@code near-cache.ttl}, at most half the Redis TTL), so a hot
 * chain is still read from Redis, and its TTL refreshed, at least that often.
 *
 * <p>A fill races with invalidations: it takes a {@link Fill} before it reads Redis, and its entry is dropped again if
 * its key (or one sharing its stripe) or the whole cache was invalidated in between.
 */
public class NearCache {

    private static final String TIER = "near";
    private static final int STRIPES = 1024;
    /** Object header, fields and array header of a String, roughly; the characters come on top. */
    private static final int STRING_OVERHEAD = 48;

    private static final int ENTRY_OVERHEAD = 96;

    private final @Nullable Cache<Key, Entry> entries;
    private final Duration ttl;
    private final AtomicLongArray stripeGenerations = new AtomicLongArray(STRIPES);
    private final AtomicLong generation = new AtomicLong();
    private volatile boolean active;
    private final Counter hits;
    private final Counter misses;
    private final Counter evictions;
    private final Counter invalidations;

    public NearCache(SessionProperties properties, MeterRegistry meters) {
        this(properties, meters, ForkJoinPool.commonPool(), Ticker.systemTicker());
    }

    /* for testing */ NearCache(SessionProperties properties, MeterRegistry meters, Executor executor, Ticker ticker) {
        SessionProperties.NearCache settings = properties.nearCache();
        this.ttl = effectiveTtl(properties);
        this.hits = requests(meters, "hit");
        this.misses = requests(meters, "miss");
        this.evictions = Counter.builder("hotloop.cache.evictions")
                .tag("tier", TIER)
                .description("Entries the near cache dropped for size or age")
                .register(meters);
        this.invalidations = Counter.builder("hotloop.cache.invalidations")
                .tag("tier", TIER)
                .description("Deletes applied to the near cache, from this replica or over pub/sub")
                .register(meters);
        if (!settings.enabled()) {
            this.entries = null;
            return;
        }
        Cache<Key, Entry> cache = Caffeine.newBuilder()
                .maximumWeight(settings.maxSize().toBytes())
                .weigher((Key key, Entry entry) -> entry.weight())
                .expireAfterWrite(ttl)
                .evictionListener((key, entry, cause) -> evictions.increment())
                .executor(executor)
                .ticker(ticker)
                .build();
        this.entries = cache;
        Gauge.builder("hotloop.cache.entries", cache, Cache::estimatedSize)
                .tag("tier", TIER)
                .description("Entries in the near cache")
                .register(meters);
        Gauge.builder(
                        "hotloop.cache.weight",
                        cache,
                        c -> c.policy().eviction().orElseThrow().weightedSize().orElse(0))
                .tag("tier", TIER)
                .baseUnit("bytes")
                .description("Estimated memory of the near cache's entries")
                .register(meters);
    }

    /** The entry lifetime: as configured, but at most half the Redis TTL. */
    static Duration effectiveTtl(SessionProperties properties) {
        Duration cap = properties.ttl().dividedBy(2);
        Duration configured = properties.nearCache().ttl();
        return configured.compareTo(cap) < 0 ? configured : cap;
    }

    public boolean isEnabled() {
        return entries != null;
    }

    /** Whether entries are served and filled: enabled, and invalidations are being received. */
    public boolean isActive() {
        return entries != null && active;
    }

    public Duration ttl() {
        return ttl;
    }

    /** The cached response JSON with its output, or {@code null}; counted as a hit or a miss. */
    public @Nullable String response(String tenant, String responseId) {
        if (entries == null) {
            return null;
        }
        Entry entry = active ? entries.getIfPresent(new Key(tenant, responseId)) : null;
        return count(entry == null ? null : entry.response());
    }

    /** The cached whole context, or {@code null}; counted as a hit or a miss. */
    public @Nullable ResponseContext context(String tenant, String responseId) {
        if (entries == null) {
            return null;
        }
        return count(peekContext(tenant, responseId));
    }

    /** The cached whole context, or {@code null}, not counted as a request: a store looks up the parent it continues. */
    @Nullable
    ResponseContext peekContext(String tenant, String responseId) {
        Entry entry = entries != null && active ? entries.getIfPresent(new Key(tenant, responseId)) : null;
        return entry instanceof ContextEntry cached ? cached.context() : null;
    }

    /** Starts filling an entry: take it before reading Redis, hand it to a put after. */
    Fill beginFill(String tenant, String responseId) {
        Key key = new Key(tenant, responseId);
        return new Fill(key, generation.get(), stripeGenerations.get(stripe(key)));
    }

    /** Caches a response read from Redis, unless its whole context is cached already. */
    void putResponse(Fill fill, String response) {
        put(fill, new ResponseEntry(response, (int) Math.min(Integer.MAX_VALUE, weigh(response))), false);
    }

    /** Caches a response's whole context, which answers a read of the response too. */
    void putContext(Fill fill, ResponseContext context) {
        put(fill, new ContextEntry(context), true);
    }

    /** Drops a deleted response: after this, no fill that started before it leaves an entry. */
    public void invalidate(String tenant, String responseId) {
        Key key = new Key(tenant, responseId);
        stripeGenerations.incrementAndGet(stripe(key));
        if (entries != null) {
            entries.invalidate(key);
        }
        invalidations.increment();
    }

    /** Drops every entry, also those that fills in flight are about to add. */
    public void invalidateAll() {
        generation.incrementAndGet();
        if (entries != null) {
            entries.invalidateAll();
        }
    }

    /** Invalidations are being received (again): starts serving from an empty cache. */
    void activate() {
        invalidateAll();
        active = true;
    }

    /** Invalidations may be missed: stops serving, empty. */
    void deactivate() {
        active = false;
        invalidateAll();
    }

    /* for testing */ void cleanUp() {
        if (entries != null) {
            entries.cleanUp();
        }
    }

    /* for testing */ long weightedSize() {
        return entries == null
                ? 0
                : entries.policy().eviction().orElseThrow().weightedSize().orElse(0);
    }

    private void put(Fill fill, Entry entry, boolean replace) {
        if (entries == null || !active) {
            return;
        }
        if (replace) {
            entries.put(fill.key(), entry);
        } else {
            entries.asMap().putIfAbsent(fill.key(), entry);
        }
        // an invalidation bumps its generation before it removes: either it removed this entry or it is seen here
        if (generation.get() != fill.generation()
                || stripeGenerations.get(stripe(fill.key())) != fill.stripeGeneration()) {
            entries.invalidate(fill.key());
        }
    }

    private <T> @Nullable T count(@Nullable T cached) {
        (cached == null ? misses : hits).increment();
        return cached;
    }

    private static int stripe(Key key) {
        int hash = key.hashCode();
        return (hash ^ (hash >>> 16)) & (STRIPES - 1);
    }

    private static Counter requests(MeterRegistry meters, String result) {
        return Counter.builder("hotloop.cache.requests")
                .tag("tier", TIER)
                .tag("result", result)
                .description("Reads looked up in the cache")
                .register(meters);
    }

    private static long weigh(String json) {
        return STRING_OVERHEAD + (long) json.length();
    }

    /** A pending fill: the generations its key had before Redis was read. */
    record Fill(Key key, long generation, long stripeGeneration) {}

    record Key(String tenant, String responseId) {}

    private sealed interface Entry {

        String response();

        /** Estimated bytes: one per character (JSON is mostly Latin-1), plus per-object overhead. */
        int weight();
    }

    private record ResponseEntry(String response, int weight) implements Entry {}

    private record ContextEntry(ResponseContext context, int weight) implements Entry {

        ContextEntry(ResponseContext context) {
            this(context, weightOf(context));
        }

        @Override
        public String response() {
            return context.response();
        }

        private static int weightOf(ResponseContext context) {
            List<String> items = context.items();
            long bytes = ENTRY_OVERHEAD + weigh(context.response());
            for (String item : items) {
                // items shared with a parent's cached context are counted again: the bound holds without sharing
                bytes += Long.BYTES + weigh(item);
            }
            return (int) Math.min(Integer.MAX_VALUE, bytes);
        }
    }
}
