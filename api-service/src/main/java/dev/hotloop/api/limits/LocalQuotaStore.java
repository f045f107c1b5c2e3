package dev.hotloop.api.limits;

import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.publisher.Mono;

/**
 * This replica's own buckets and slots, used while Redis cannot answer: the same rules as {@code limits.lua}, but
 * each replica counts alone, so a tenant gets up to the limits once per replica. Slots die with the process, so
 * they need no expiry.
 */
final class LocalQuotaStore implements QuotaStore {

    private static final double MINUTE_MILLIS = 60_000;

    private final Map<String, TenantState> tenants = new ConcurrentHashMap<>();

    private static final class TenantState {
        double requests = Double.NaN;
        double tokens = Double.NaN;
        long requestsAt;
        long tokensAt;
        final Map<Demand.Kind, Set<String>> slots = new ConcurrentHashMap<>();
    }

    @Override
    public Mono<Tally> admit(String tenant, LimitsProperties.Limits limits, Demand demand, String slot) {
        return Mono.fromSupplier(() -> {
            TenantState state = tenants.computeIfAbsent(tenant, ignored -> new TenantState());
            synchronized (state) {
                long now = System.currentTimeMillis();
                double requests = level(state.requests, state.requestsAt, limits.requestsPerMinute(), now);
                double tokens = level(state.tokens, state.tokensAt, limits.tokensPerMinute(), now);
                Set<String> held = state.slots.computeIfAbsent(demand.kind(), ignored -> new HashSet<>());
                int slotLimit = demand.kind() == Demand.Kind.RESPONSE
                        ? limits.concurrentResponses()
                        : limits.websocketConnections();
                String refused = requests < 1
                        ? "requests"
                        : demand.tokens() > 0 && tokens < demand.tokens()
                                ? "tokens"
                                : demand.kind().holdsSlot() && held.size() >= slotLimit
                                        ? demand.kind().slots()
                                        : null;
                if (refused == null) {
                    requests -= 1;
                    tokens -= demand.tokens();
                    if (demand.kind().holdsSlot()) {
                        held.add(slot);
                    }
                }
                state.requests = requests;
                state.requestsAt = now;
                state.tokens = tokens;
                state.tokensAt = now;
                return new Tally(refused, requests, tokens, demand.kind().holdsSlot() ? held.size() : 0);
            }
        });
    }

    @Override
    public Mono<Void> release(
            String tenant, LimitsProperties.Limits limits, Demand.Kind kind, String slot, long refund) {
        return Mono.fromRunnable(() -> {
            TenantState state = tenants.computeIfAbsent(tenant, ignored -> new TenantState());
            synchronized (state) {
                Set<String> held = state.slots.get(kind);
                if (held != null) {
                    held.remove(slot);
                }
                if (refund != 0) {
                    long now = System.currentTimeMillis();
                    int limit = limits.tokensPerMinute();
                    state.tokens =
                            Math.max(-limit, Math.min(limit, level(state.tokens, state.tokensAt, limit, now) + refund));
                    state.tokensAt = now;
                }
            }
        });
    }

    @Override
    public Mono<Void> renew(String tenant, Demand.Kind kind, Collection<String> slots) {
        return Mono.empty();
    }

    /** A bucket's level now: full when new, else refilled at a minute's limit per minute. */
    private static double level(double level, long at, int limit, long now) {
        return Double.isNaN(level) ? limit : Math.min(limit, level + (now - at) * limit / MINUTE_MILLIS);
    }
}
