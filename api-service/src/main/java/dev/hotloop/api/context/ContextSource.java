package dev.hotloop.api.context;

import dev.hotloop.api.metrics.TurnStages;
import dev.hotloop.protocol.request.CreateRequest;
import reactor.core.publisher.Mono;

/** Where a transport finds the conversation a request continues: the store, or a connection's cache first. */
public interface ContextSource {

    /**
     * The conversation named by the request's {@code previous_response_id}, or {@link Conversation#EMPTY} when it
     * names none; errors with {@code previous_response_not_found} when the tenant has no such response. Notes on
     * {@code stages} where it was found.
     */
    Mono<Conversation> conversation(String tenant, CreateRequest request, TurnStages stages);
}
