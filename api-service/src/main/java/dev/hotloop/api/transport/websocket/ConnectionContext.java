package dev.hotloop.api.transport.websocket;

import dev.hotloop.api.context.ContextSource;
import dev.hotloop.api.context.Conversation;
import dev.hotloop.api.context.StoredConversations;
import dev.hotloop.api.metrics.TurnStages;
import dev.hotloop.protocol.error.ApiException;
import dev.hotloop.protocol.request.CreateRequest;
import reactor.core.publisher.Mono;

/**
 * One connection's conversations, all of them (every lane's latest too) in the shared, bounded
 * {@link ConversationCache}. A hit costs no store read and no re-tokenizing; a miss is hydrated from the store only for
 * {@code store:true} requests ({@code store:false} state never leaves this connection, so a miss there is
 * {@code previous_response_not_found}).
 */
final class ConnectionContext implements ContextSource {

    private final long connectionId;
    private final ConversationCache shared;
    private final StoredConversations store;

    ConnectionContext(long connectionId, ConversationCache shared, StoredConversations store) {
        this.connectionId = connectionId;
        this.shared = shared;
        this.store = store;
    }

    @Override
    public Mono<Conversation> conversation(String tenant, CreateRequest request, TurnStages stages) {
        String previous = request.previousResponseId();
        if (previous == null) {
            return Mono.just(Conversation.EMPTY);
        }
        Conversation cached = shared.get(connectionId, previous);
        if (cached != null) {
            shared.hit();
            stages.tier(TurnStages.Tier.CONNECTION);
            return Mono.just(cached);
        }
        shared.miss();
        stages.tier(TurnStages.Tier.STORE);
        if (!request.store()) {
            return Mono.error(ApiException.previousResponseNotFound(previous));
        }
        return store.conversation(tenant, request, stages);
    }

    /** Keeps {@code conversation} within the shared budget. */
    void remember(String responseId, Conversation conversation) {
        shared.put(connectionId, responseId, conversation);
    }

    /** Forgets a response after a failed turn that referenced it. */
    void forget(String responseId) {
        shared.evict(connectionId, responseId);
    }

    void release() {
        shared.release(connectionId);
    }
}
