package dev.hotloop.api.limits;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.reactor.circuitbreaker.operator.CircuitBreakerOperator;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Checks calls against their tenant's limits ({@link LimitsProperties}), in Redis so that all replicas share them:
 * one script call, one round trip, per check, never blocking.
 *
 * <p>When Redis does not answer within {@code redis-timeout} (or failed repeatedly, then for
 * {@code redis-retry-wait} before it is tried again), the check <em>fails open</em>: this replica decides alone with
 * its own buckets and slots ({@link LocalQuotaStore}), so an outage of Redis never stops the API, and a tenant is
 * still limited, at most to its limits once per replica. Slots held in Redis are renewed every third of
 * {@code lease-ttl} while they live, so those of a replica that died free themselves within {@code lease-ttl}.
 */
@Component
public class TenantLimiter implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(TenantLimiter.class);

    private final LimitsProperties properties;
    private final QuotaStore redis;
    private final QuotaStore local = new LocalQuotaStore();
    private final CircuitBreaker breaker;
    private final String replica = UUID.randomUUID().toString();
    private final AtomicLong slotIds = new AtomicLong();
    private final Set<Grant> held = ConcurrentHashMap.newKeySet();
    private final Counter decidedLocally;
    private final MeterRegistry meters;
    private final @Nullable Disposable renewal;

    public TenantLimiter(LimitsProperties properties, ReactiveStringRedisTemplate redis, MeterRegistry meters) {
        this.properties = properties;
        this.redis = new RedisQuotaStore(redis, properties.leaseTtl());
        this.meters = meters;
        this.breaker = CircuitBreaker.of(
                "tenant-limits",
                CircuitBreakerConfig.custom()
                        .slidingWindowSize(10)
                        .minimumNumberOfCalls(5)
                        .waitDurationInOpenState(properties.redisRetryWait())
                        .permittedNumberOfCallsInHalfOpenState(2)
                        .build());
        this.decidedLocally = Counter.builder("hotloop.limits.local_decisions")
                .description("Limit checks this replica decided alone because Redis did not answer")
                .register(meters);
        this.renewal = properties.enabled()
                ? Flux.interval(properties.leaseTtl().dividedBy(3))
                        .concatMap(tick -> renewHeld())
                        .subscribe()
                : null;
    }

    /** Whether limits are enforced; when not, callers skip checks entirely. */
    public boolean enabled() {
        return properties.enabled();
    }

    /**
     * Checks and, when it passes, charges one call of {@code tenant}. Emits the grant (admitted or refused); never
     * errors: a store failure falls back to this replica's own limits. An admitted grant that holds a slot must be
     * {@link Grant#release() released}.
     */
    public Mono<Grant> admit(String tenant, Demand demand) {
        LimitsProperties.Limits limits = properties.of(tenant);
        String slot = replica + ":" + slotIds.incrementAndGet();
        Mono<Tally> check = redis.admit(tenant, limits, demand, slot);
        if (demand.kind().holdsSlot()) {
            // a check given up (timed out, or its caller gone) may still take the slot in Redis: free it behind it
            check = check.doOnCancel(() -> free(redis, tenant, limits, demand.kind(), slot, 0));
        }
        return guarded(check)
                .map(tally -> new Grant(tenant, limits, demand, tally, slot, redis, this))
                .onErrorResume(failure -> {
                    log.debug("Limits decided locally: {}", failure.toString());
                    decidedLocally.increment();
                    return local.admit(tenant, limits, demand, slot)
                            .map(tally -> new Grant(tenant, limits, demand, tally, slot, local, this));
                })
                .doOnNext(grant -> {
                    if (!grant.admitted()) {
                        meters.counter("hotloop.limits.refused", "limit", String.valueOf(grant.refusedLimit()))
                                .increment();
                    } else if (demand.kind().holdsSlot()) {
                        held.add(grant);
                    }
                });
    }

    /**
     * Frees a grant's slot and settles its tokens, in the background; a failure leaves the slot to expire. A release
     * is always sent, also while the breaker keeps checks away from Redis: held back, it would keep the slot taken
     * for a whole lease after Redis is back.
     */
    void release(Grant grant, long refund) {
        held.remove(grant);
        free(grant.store(), grant.tenant(), grant.limits(), grant.kind(), grant.slot(), refund);
    }

    private void free(
            QuotaStore store,
            String tenant,
            LimitsProperties.Limits limits,
            Demand.Kind kind,
            String slot,
            long refund) {
        store.release(tenant, limits, kind, slot, refund)
                .timeout(properties.redisTimeout())
                .subscribe(null, failure -> log.debug("Slot left to expire: {}", failure.toString()));
    }

    /** Extends every slot this replica holds in Redis, one call per tenant and kind. */
    private Mono<Void> renewHeld() {
        Map<List<Object>, List<String>> slots = held.stream()
                .filter(grant -> grant.store().equals(redis))
                .collect(Collectors.groupingBy(
                        grant -> List.of(grant.tenant(), grant.kind()),
                        Collectors.mapping(Grant::slot, Collectors.toList())));
        return Flux.fromIterable(slots.entrySet())
                .flatMap(group -> guarded(redis.renew(
                                (String) group.getKey().get(0),
                                (Demand.Kind) group.getKey().get(1),
                                group.getValue()))
                        .onErrorResume(failure -> Mono.empty()))
                .then();
    }

    private <T> Mono<T> guarded(Mono<T> call) {
        return call.timeout(properties.redisTimeout()).transformDeferred(CircuitBreakerOperator.of(breaker));
    }

    @Override
    public void destroy() {
        if (renewal != null) {
            renewal.dispose();
        }
    }
}
