package dev.hotloop.api.transport.websocket;

import dev.hotloop.api.context.ContextSource;
import dev.hotloop.api.context.Conversation;
import dev.hotloop.api.context.StoredConversations;
import dev.hotloop.api.metrics.TurnTrace;
import dev.hotloop.protocol.error.ApiException;
import dev.hotloop.protocol.request.CreateRequest;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * One connection's conversations, all of them (every lane's latest too) in the shared, bounded
 * {@link ConversationCache}; this keeps only which response is each lane's latest. A hit costs no store read and no
 * re-tokenizing; a miss is hydrated from the store only for {@code store:true} requests ({@code store:false} state
 * never leaves this connection, so a miss there is {@code previous_response_not_found}). Lanes run concurrently,
 * hence the lock.
 */
final class ConnectionContext implements ContextSource {

    /** @param awaitingToolsSince when it finished with function calls left to the client, else 0 */
    private record Latest(String responseId, long awaitingToolsSince) {}

    private final long connectionId;
    private final ConversationCache shared;
    private final StoredConversations store;
    private final Map<String, Latest> latestByLane = new HashMap<>();

    ConnectionContext(long connectionId, ConversationCache shared, StoredConversations store) {
        this.connectionId = connectionId;
        this.shared = shared;
        this.store = store;
    }

    @Override
    public Mono<Conversation> conversation(String tenant, CreateRequest request, TurnTrace trace) {
        String previous = request.previousResponseId();
        if (previous == null) {
            return Mono.just(Conversation.EMPTY);
        }
        Conversation cached = shared.get(connectionId, previous);
        if (cached != null) {
            shared.hit();
            trace.tier(TurnTrace.Tier.CONNECTION);
            return Mono.just(cached);
        }
        shared.miss();
        trace.tier(TurnTrace.Tier.STORE);
        if (!request.store()) {
            return Mono.error(ApiException.previousResponseNotFound(previous));
        }
        return store.conversation(tenant, request, trace);
    }

    /** Keeps {@code conversation} within the shared budget, as the lane's latest. */
    synchronized void remember(String lane, String responseId, Conversation conversation) {
        long awaitingTools = conversation.ledger().unanswered().isEmpty() ? 0 : System.nanoTime();
        latestByLane.put(lane, new Latest(responseId, awaitingTools));
        shared.put(connectionId, responseId, conversation);
    }

    /** The client's tool time when {@code responseId} ended with function calls: until the frame answering them. */
    synchronized OptionalLong clientToolNanos(@Nullable String responseId, long answeredNanos) {
        for (Latest latest : latestByLane.values()) {
            if (latest.responseId().equals(responseId) && latest.awaitingToolsSince() != 0) {
                return OptionalLong.of(answeredNanos - latest.awaitingToolsSince());
            }
        }
        return OptionalLong.empty();
    }

    /** Forgets a response after a failed turn that referenced it. */
    synchronized void forget(String responseId) {
        latestByLane.values().removeIf(latest -> latest.responseId().equals(responseId));
        shared.evict(connectionId, responseId);
    }

    synchronized void release() {
        latestByLane.clear();
        shared.release(connectionId);
    }
}
