package dev.hotloop.api.context;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.hotloop.api.metrics.TurnStages;
import dev.hotloop.api.session.SessionClient;
import dev.hotloop.protocol.error.ApiException;
import dev.hotloop.protocol.request.CreateRequest;
import dev.hotloop.protocol.response.Response;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import org.springframework.util.unit.DataSize;
import reactor.core.publisher.Mono;

/**
 * Conversations in session-service, and the ones this replica stored recently. A stored conversation is immutable
 * until deleted, so one this replica stored is kept (in a bounded, process-wide cache, the latest of each chain) and
 * a continuation of it only asks session-service whether it still exists: O(1) bytes instead of the whole context,
 * and nothing to parse or re-tokenize. Any other is rehydrated: one call, one Redis round trip, whatever the chain's
 * length. The store stays the truth: a response deleted or expired there is not found here either.
 */
public class StoredConversations implements ContextSource {

    private record Key(String tenant, String responseId) {}

    private final SessionClient sessions;
    private final Cache<Key, Conversation> recent;
    private final Counter loads;
    private final Counter hits;

    /** @param budget estimated bytes of the conversations kept ({@link Conversation#weight()}) */
    public StoredConversations(SessionClient sessions, DataSize budget, MeterRegistry meters) {
        this.sessions = sessions;
        this.recent = Caffeine.newBuilder()
                .maximumWeight(budget.toBytes())
                .<Key, Conversation>weigher(
                        (key, conversation) -> (int) Math.min(Integer.MAX_VALUE, conversation.weight()))
                .build();
        this.loads = Counter.builder("hotloop.context.loads")
                .tag("tier", "store")
                .description("Conversations loaded from session-service")
                .register(meters);
        this.hits = Counter.builder("hotloop.cache.requests")
                .tag("tier", "replica")
                .tag("result", "hit")
                .description("Continuations of a conversation this replica stored, checked against the store only")
                .register(meters);
    }

    @Override
    public Mono<Conversation> conversation(String tenant, CreateRequest request, TurnStages stages) {
        String previous = request.previousResponseId();
        if (previous == null) {
            return Mono.just(Conversation.EMPTY);
        }
        stages.tier(TurnStages.Tier.STORE);
        Key key = new Key(tenant, previous);
        Conversation kept = recent.getIfPresent(key);
        Mono<Conversation> found = kept == null
                ? load(tenant, previous)
                : sessions.exists(tenant, previous).flatMap(exists -> {
                    if (!exists) {
                        recent.invalidate(key);
                        return Mono.empty();
                    }
                    hits.increment();
                    return Mono.just(kept);
                });
        return found.switchIfEmpty(Mono.error(() -> ApiException.previousResponseNotFound(previous)));
    }

    /**
     * Persists a finished turn ({@link SessionClient#store}); once stored, {@code after} (its conversation, output
     * included) is kept as its chain's latest.
     */
    public Mono<Void> store(
            String tenant, Response response, List<ContextItem> input, List<ContextItem> output, Conversation after) {
        return sessions.store(tenant, response, input, output).doOnSuccess(stored -> {
            recent.put(new Key(tenant, response.id()), after);
            if (response.previousResponseId() != null) {
                recent.invalidate(new Key(tenant, response.previousResponseId()));
            }
        });
    }

    /** Drops a response this replica deleted (other replicas find out from the store). */
    public void forget(String tenant, String responseId) {
        recent.invalidate(new Key(tenant, responseId));
    }

    private Mono<Conversation> load(String tenant, String responseId) {
        return Mono.defer(() -> {
            loads.increment();
            return sessions.context(tenant, responseId).map(stored -> Conversation.of(stored.items()));
        });
    }
}
