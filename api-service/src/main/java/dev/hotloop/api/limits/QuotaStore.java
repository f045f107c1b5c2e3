package dev.hotloop.api.limits;

import java.util.Collection;
import reactor.core.publisher.Mono;

/**
 * Where tenants' buckets and slots live. Buckets hold up to a minute's limit and refill continuously; an admitted
 * call is charged atomically with its check, so concurrent checks never over-admit.
 */
interface QuotaStore {

    /**
     * Checks every limit the demand touches and, only when all pass, charges them and takes slot {@code slot}
     * (ignored for plain calls). Errors when the store cannot answer.
     */
    Mono<Tally> admit(String tenant, LimitsProperties.Limits limits, Demand demand, String slot);

    /** Frees the slot and gives back {@code refund} tokens (negative: charges more), in one step. */
    Mono<Void> release(String tenant, LimitsProperties.Limits limits, Demand.Kind kind, String slot, long refund);

    /** Extends the lifetime of live slots of one tenant and kind. */
    Mono<Void> renew(String tenant, Demand.Kind kind, Collection<String> slots);
}
