package dev.hotloop.api.context;

import dev.hotloop.api.metrics.TurnStages;
import dev.hotloop.api.session.SessionClient;
import dev.hotloop.protocol.error.ApiException;
import dev.hotloop.protocol.request.CreateRequest;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import reactor.core.publisher.Mono;

/** Conversations rehydrated from session-service: one call, one Redis round trip, whatever the chain's length. */
public class StoredConversations implements ContextSource {

    private final SessionClient sessions;
    private final Counter loads;

    public StoredConversations(SessionClient sessions, MeterRegistry meters) {
        this.sessions = sessions;
        this.loads = Counter.builder("hotloop.context.loads")
                .tag("tier", "store")
                .description("Conversations loaded from session-service")
                .register(meters);
    }

    @Override
    public Mono<Conversation> conversation(String tenant, CreateRequest request, TurnStages stages) {
        String previous = request.previousResponseId();
        if (previous == null) {
            return Mono.just(Conversation.EMPTY);
        }
        stages.tier(TurnStages.Tier.STORE);
        return load(tenant, previous).switchIfEmpty(Mono.error(() -> ApiException.previousResponseNotFound(previous)));
    }

    /** The stored conversation ending with {@code responseId}'s output, or empty when there is none. */
    public Mono<Conversation> load(String tenant, String responseId) {
        return Mono.defer(() -> {
            loads.increment();
            return sessions.context(tenant, responseId).map(stored -> Conversation.of(stored.items()));
        });
    }
}
