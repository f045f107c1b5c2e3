package dev.hotloop.api.transport.http;

import dev.hotloop.api.security.ApiKeyFilter;
import dev.hotloop.api.session.ConversationRecord;
import dev.hotloop.api.session.SessionClient;
import dev.hotloop.api.tokens.TokenCounter;
import dev.hotloop.protocol.error.ApiException;
import dev.hotloop.protocol.id.ConversationIds;
import dev.hotloop.protocol.request.ConversationRequestReader;
import java.time.Clock;
import java.util.Map;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * {@code /v1/conversations}: conversations and their items, stored in session-service. An id that cannot name a
 * conversation is 404 without asking the store, like an unknown one or another tenant's.
 */
@Component
public class ConversationsHandler {

    /**
     * The conversation object.
     *
     * @param metadata its metadata, {@code {}} when it has none
     */
    record ConversationObject(String id, String object, long createdAt, Map<String, String> metadata) {

        static ConversationObject of(ConversationRecord conversation) {
            return new ConversationObject(
                    conversation.id(), "conversation", conversation.createdAt(), conversation.metadata());
        }
    }

    record DeletedConversation(String id, String object, boolean deleted) {}

    private final SessionClient sessions;
    private final TokenCounter tokens;
    private final RequestBodies bodies;
    private final Clock clock;

    public ConversationsHandler(SessionClient sessions, TokenCounter tokens, RequestBodies bodies) {
        this.sessions = sessions;
        this.tokens = tokens;
        this.bodies = bodies;
        this.clock = Clock.systemUTC();
    }

    public Mono<ServerResponse> create(ServerRequest request) {
        String tenant = ApiKeyFilter.tenant(request.exchange());
        return bodies.read(request)
                .map(ConversationRequestReader::create)
                .flatMap(created -> tokens.count(created.items())
                        .flatMap(items -> sessions.createConversation(
                                tenant,
                                ConversationIds.newConversation(),
                                clock.instant().getEpochSecond(),
                                created.metadata(),
                                items)))
                .flatMap(conversation -> ResponsesHandler.json(ConversationObject.of(conversation)));
    }

    public Mono<ServerResponse> get(ServerRequest request) {
        String id = conversationId(request);
        return sessions.conversation(ApiKeyFilter.tenant(request.exchange()), id)
                .flatMap(conversation -> ResponsesHandler.json(ConversationObject.of(conversation)));
    }

    public Mono<ServerResponse> update(ServerRequest request) {
        String id = conversationId(request);
        String tenant = ApiKeyFilter.tenant(request.exchange());
        return bodies.read(request)
                .map(ConversationRequestReader::update)
                .flatMap(metadata -> sessions.updateConversation(tenant, id, metadata))
                .flatMap(conversation -> ResponsesHandler.json(ConversationObject.of(conversation)));
    }

    public Mono<ServerResponse> delete(ServerRequest request) {
        String id = conversationId(request);
        return sessions.deleteConversation(ApiKeyFilter.tenant(request.exchange()), id)
                .then(ResponsesHandler.json(new DeletedConversation(id, "conversation.deleted", true)));
    }

    /** Adds up to 20 items at the end; answers them as a list. */
    public Mono<ServerResponse> createItems(ServerRequest request) {
        String id = conversationId(request);
        String tenant = ApiKeyFilter.tenant(request.exchange());
        return bodies.read(request)
                .map(ConversationRequestReader::items)
                .flatMap(items -> tokens.count(items)
                        .flatMap(counted -> sessions.appendToConversation(tenant, id, null, counted))
                        .then(ResponsesHandler.json(ItemsPage.of(items, false))));
    }

    /** A page of items, newest first unless {@code order=asc}, as {@code input_items} pages. */
    public Mono<ServerResponse> listItems(ServerRequest request) {
        String id = conversationId(request);
        ItemsPage.Query query = ItemsPage.Query.of(request.queryParams());
        return sessions.conversationItems(
                        ApiKeyFilter.tenant(request.exchange()), id, query.limit(), query.ascending(), query.after())
                .flatMap(page -> ResponsesHandler.json(ItemsPage.of(page.items(), page.hasMore())));
    }

    public Mono<ServerResponse> getItem(ServerRequest request) {
        String id = conversationId(request);
        return sessions.conversationItem(ApiKeyFilter.tenant(request.exchange()), id, request.pathVariable("item_id"))
                .flatMap(ResponsesHandler::json);
    }

    /** Deletes one item; answers the conversation, as OpenAI does. */
    public Mono<ServerResponse> deleteItem(ServerRequest request) {
        String id = conversationId(request);
        return sessions.deleteConversationItem(
                        ApiKeyFilter.tenant(request.exchange()), id, request.pathVariable("item_id"))
                .flatMap(conversation -> ResponsesHandler.json(ConversationObject.of(conversation)));
    }

    private static String conversationId(ServerRequest request) {
        String id = request.pathVariable("conversation_id");
        if (!ConversationIds.isWellFormed(id)) {
            throw ApiException.conversationNotFound(id.length() > 64 ? id.substring(0, 64) + "…" : id);
        }
        return id;
    }
}
