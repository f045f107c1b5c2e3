package dev.hotloop.session.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hotloop.session.SessionProperties;
import dev.hotloop.session.store.ResponseContext;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

/** The cache's own rules, without Redis: bounds, age, counting, and fills racing invalidations. */
class NearCacheTest {

    private static final String TENANT = "acme";

    private final MeterRegistry meters = new SimpleMeterRegistry();
    private final AtomicLong nanos = new AtomicLong();

    @Test
    void totalWeightStaysWithinMaxSizeAndEvictionsAreCounted() {
        NearCache cache = cache(DataSize.ofKilobytes(64), Duration.ofMinutes(10));
        for (int i = 0; i < 100; i++) {
            cache.putContext(cache.beginFill(TENANT, "r" + i), context("r" + i, 1_000));
        }
        cache.cleanUp();

        assertThat(cache.weightedSize())
                .isPositive()
                .isLessThanOrEqualTo(DataSize.ofKilobytes(64).toBytes());
        assertThat(meters.get("hotloop.cache.evictions")
                        .tag("tier", "near")
                        .counter()
                        .count())
                .isPositive();
        assertThat(meters.get("hotloop.cache.entries")
                        .tag("tier", "near")
                        .gauge()
                        .value())
                .isBetween(1.0, 99.0);
        assertThat(meters.get("hotloop.cache.weight")
                        .tag("tier", "near")
                        .gauge()
                        .value())
                .isEqualTo((double) cache.weightedSize());
    }

    @Test
    void entryExpiresAfterItsTtl() {
        NearCache cache = cache(DataSize.ofMegabytes(1), Duration.ofMinutes(10));
        cache.putContext(cache.beginFill(TENANT, "r"), context("r", 10));

        nanos.addAndGet(Duration.ofMinutes(9).toNanos());
        assertThat(cache.context(TENANT, "r")).isNotNull();
        nanos.addAndGet(Duration.ofMinutes(2).toNanos());
        assertThat(cache.context(TENANT, "r")).isNull();
    }

    @Test
    void ttlIsCappedAtHalfTheRedisTtl() {
        SessionProperties longLived =
                properties(Duration.ofDays(30), true, DataSize.ofMegabytes(1), Duration.ofMinutes(10));
        SessionProperties shortLived =
                properties(Duration.ofMinutes(10), true, DataSize.ofMegabytes(1), Duration.ofMinutes(10));

        assertThat(NearCache.effectiveTtl(longLived)).isEqualTo(Duration.ofMinutes(10));
        assertThat(NearCache.effectiveTtl(shortLived)).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void hitsAndMissesAreCountedPerRead() {
        NearCache cache = cache(DataSize.ofMegabytes(1), Duration.ofMinutes(10));
        cache.putResponse(cache.beginFill(TENANT, "only-response"), "{\"id\":\"only-response\"}");
        cache.putContext(cache.beginFill(TENANT, "with-context"), context("with-context", 10));

        assertThat(cache.response(TENANT, "only-response")).isEqualTo("{\"id\":\"only-response\"}");
        assertThat(cache.response(TENANT, "with-context")).contains("with-context");
        assertThat(cache.context(TENANT, "only-response")).isNull();
        assertThat(cache.response("other", "with-context")).isNull();

        assertThat(requests("hit")).isEqualTo(2);
        assertThat(requests("miss")).isEqualTo(2);
    }

    @Test
    void readOfTheResponseNeverReplacesItsCachedContext() {
        NearCache cache = cache(DataSize.ofMegabytes(1), Duration.ofMinutes(10));
        cache.putContext(cache.beginFill(TENANT, "r"), context("r", 10));

        cache.putResponse(cache.beginFill(TENANT, "r"), "{\"id\":\"r\",\"output\":[]}");

        assertThat(cache.context(TENANT, "r")).isNotNull();
    }

    @Test
    void fillThatStartedBeforeAnInvalidationLeavesNoEntry() {
        NearCache cache = cache(DataSize.ofMegabytes(1), Duration.ofMinutes(10));
        NearCache.Fill beforeDelete = cache.beginFill(TENANT, "r");
        NearCache.Fill beforeClear = cache.beginFill(TENANT, "s");

        cache.invalidate(TENANT, "r");
        cache.putContext(beforeDelete, context("r", 10));
        cache.invalidateAll();
        cache.putContext(beforeClear, context("s", 10));

        assertThat(cache.context(TENANT, "r")).isNull();
        assertThat(cache.context(TENANT, "s")).isNull();
        cache.putContext(cache.beginFill(TENANT, "r"), context("r", 10));
        assertThat(cache.context(TENANT, "r")).isNotNull();
    }

    @Test
    void inactiveCacheNeitherServesNorFills() {
        NearCache cache = cache(DataSize.ofMegabytes(1), Duration.ofMinutes(10));
        cache.putContext(cache.beginFill(TENANT, "r"), context("r", 10));

        cache.deactivate();
        cache.putContext(cache.beginFill(TENANT, "s"), context("s", 10));
        assertThat(cache.context(TENANT, "r")).isNull();

        cache.activate();
        assertThat(cache.context(TENANT, "r")).isNull();
        assertThat(cache.context(TENANT, "s")).isNull();
    }

    @Test
    void disabledCacheHoldsNothingAndCountsNothing() {
        NearCache cache = new NearCache(
                properties(Duration.ofDays(30), false, DataSize.ofMegabytes(1), Duration.ofMinutes(10)),
                meters,
                Runnable::run,
                nanos::get);
        cache.activate();
        cache.putContext(cache.beginFill(TENANT, "r"), context("r", 10));

        assertThat(cache.isActive()).isFalse();
        assertThat(cache.context(TENANT, "r")).isNull();
        assertThat(requests("miss")).isZero();
        assertThat(meters.find("hotloop.cache.entries").gauge()).isNull();
    }

    private NearCache cache(DataSize maxSize, Duration ttl) {
        NearCache cache =
                new NearCache(properties(Duration.ofDays(30), true, maxSize, ttl), meters, Runnable::run, nanos::get);
        cache.activate();
        return cache;
    }

    private double requests(String result) {
        return meters.get("hotloop.cache.requests")
                .tag("tier", "near")
                .tag("result", result)
                .counter()
                .count();
    }

    private static SessionProperties properties(Duration redisTtl, boolean enabled, DataSize maxSize, Duration ttl) {
        return new SessionProperties(
                redisTtl,
                new SessionProperties.NearCache(enabled, maxSize, ttl),
                SessionProperties.withTtl(redisTtl).redis());
    }

    private static ResponseContext context(String id, int itemChars) {
        String item = "{\"tokens\":1,\"item\":{\"text\":\"" + "x".repeat(itemChars) + "\"}}";
        return new ResponseContext("{\"id\":\"" + id + "\",\"output\":[]}", List.of(item, item), 1, 1);
    }
}
