package dev.hotloop.api.limits;

import dev.hotloop.api.redis.LuaScripts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import reactor.core.publisher.Mono;

/**
 * Buckets and slots in Redis, shared by every replica: each operation is one {@code limits.lua} call (one round trip,
 * {@code EVALSHA}), atomic, on keys {@code hotloop:limits:{tenant}:*} that share the tenant's hash tag.
 */
final class RedisQuotaStore implements QuotaStore {

    @SuppressWarnings("rawtypes")
    private static final RedisScript<List> SCRIPT = LuaScripts.read("limits/limits.lua", List.class);

    private final ReactiveStringRedisTemplate redis;
    private final String slotTtlMillis;

    RedisQuotaStore(ReactiveStringRedisTemplate redis, Duration slotTtl) {
        this.redis = redis;
        this.slotTtlMillis = Long.toString(slotTtl.toMillis());
    }

    @Override
    public Mono<Tally> admit(String tenant, LimitsProperties.Limits limits, Demand demand, String slot) {
        int slotLimit = switch (demand.kind()) {
            case CALL -> 0;
            case RESPONSE -> limits.concurrentResponses();
            case CONNECTION -> limits.websocketConnections();
        };
        return run(
                        tenant,
                        demand.kind(),
                        List.of(
                                "admit",
                                Integer.toString(limits.requestsPerMinute()),
                                Integer.toString(limits.tokensPerMinute()),
                                Long.toString(demand.tokens()),
                                Integer.toString(slotLimit),
                                demand.kind().holdsSlot() ? slot : "",
                                slotTtlMillis))
                .map(reply -> {
                    String refused = (String) reply.get(0);
                    return new Tally(
                            refused.isEmpty()
                                    ? null
                                    : refused.equals("slots") ? demand.kind().slots() : refused,
                            Double.parseDouble((String) reply.get(1)),
                            Double.parseDouble((String) reply.get(2)),
                            (Long) reply.get(3));
                });
    }

    @Override
    public Mono<Void> release(
            String tenant, LimitsProperties.Limits limits, Demand.Kind kind, String slot, long refund) {
        return run(
                        tenant,
                        kind,
                        List.of("release", Integer.toString(limits.tokensPerMinute()), Long.toString(refund), slot))
                .then();
    }

    @Override
    public Mono<Void> renew(String tenant, Demand.Kind kind, Collection<String> slots) {
        List<String> arguments = new ArrayList<>(slots.size() + 2);
        arguments.add("renew");
        arguments.add(slotTtlMillis);
        arguments.addAll(slots);
        return run(tenant, kind, arguments).then();
    }

    private Mono<List<?>> run(String tenant, Demand.Kind kind, List<String> arguments) {
        String prefix = "hotloop:limits:{" + tenant + "}:";
        return redis.execute(SCRIPT, List.of(prefix + "requests", prefix + "tokens", prefix + kind.slots()), arguments)
                .next()
                .map(reply -> (List<?>) reply);
    }
}
