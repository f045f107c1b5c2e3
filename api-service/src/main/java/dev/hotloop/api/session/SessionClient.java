package dev.hotloop.api.session;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.hotloop.api.context.ContextItem;
import dev.hotloop.api.context.StoredContext;
import dev.hotloop.api.remote.RemoteFailures;
import dev.hotloop.api.remote.RendezvousRouter;
import dev.hotloop.api.remote.Replicas;
import dev.hotloop.protocol.error.ApiException;
import dev.hotloop.protocol.error.ErrorCodes;
import dev.hotloop.protocol.id.ConversationIds;
import dev.hotloop.protocol.item.Item;
import dev.hotloop.protocol.json.ProtocolJson;
import dev.hotloop.protocol.response.Response;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.reactor.bulkhead.operator.BulkheadOperator;
import io.github.resilience4j.reactor.retry.RetryOperator;
import io.github.resilience4j.retry.Retry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import reactor.core.publisher.Mono;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * session-service over its internal HTTP API. Unknown ids and other tenants' ids are empty results; a 4xx for any
 * other reason (such as an id too long for a URL) is the request's fault, a 400 for the client; an unreachable or
 * failing store is a 503 {@code session_store_unavailable}. Reads retry dependency failures
 * ({@link RemoteFailures#isDependencyFailure}), writes never do (a write is not idempotent once its items are
 * appended), and nothing else is retried.
 *
 * <p>With several replicas, every call of a chain goes to the replica that owns the chain by rendezvous hashing of
 * its chain tag, so that replica's near cache serves it. Each replica has its own circuit breaker, which counts only
 * dependency failures: a client's bad request, or one response the store cannot serve, never opens it for others. A
 * call that never reached its replica (connection refused or timed out, circuit open) goes on to the next replica in
 * the chain's rendezvous order, writes included: Redis is the truth, so any replica can serve any chain. All calls
 * pass one bulkhead first, so a flood of calls fails fast here instead of queueing on the pool.
 */
public class SessionClient {

    private static final String RESPONSES = "/internal/v1/tenants/{tenant}/responses";
    private static final String CONVERSATIONS = "/internal/v1/tenants/{tenant}/conversations";
    private static final TypeReference<Map<String, String>> METADATA = new TypeReference<>() {};

    private final WebClient http;
    private final Replicas replicas;
    private final Bulkhead bulkhead;
    private final Retry readRetry;

    /** One replica: the base URL of {@code http}, behind {@code circuitBreaker}, with a default bulkhead. */
    public SessionClient(WebClient http, CircuitBreaker circuitBreaker, Retry readRetry) {
        this(http, Replicas.single(circuitBreaker), Bulkhead.ofDefaults("session-service"), readRetry);
    }

    /** @param http without a base URL: every call names its replica's */
    SessionClient(WebClient http, Replicas replicas, Bulkhead bulkhead, Retry readRetry) {
        this.http = http;
        this.replicas = replicas;
        this.bulkhead = bulkhead;
        this.readRetry = readRetry;
    }

    /** The replicas calls are routed over. */
    Replicas replicas() {
        return replicas;
    }

    /** The whole context of a stored response, or empty when the tenant has no such response. */
    public Mono<StoredContext> context(String tenant, String responseId) {
        return read(responseId, replica -> getBytes(replica + RESPONSES + "/{id}/context", tenant, responseId))
                .map(SessionClient::parseContext);
    }

    /** The stored Response JSON, as stored, or empty. */
    public Mono<byte[]> response(String tenant, String responseId) {
        return read(responseId, replica -> getBytes(replica + RESPONSES + "/{id}", tenant, responseId));
    }

    /** Whether the tenant has the response: a bodiless read, whatever the chain's length. */
    public Mono<Boolean> exists(String tenant, String responseId) {
        return read(
                        responseId,
                        replica -> http.head()
                                .uri(replica + RESPONSES + "/{id}", tenant, responseId)
                                .retrieve()
                                .toBodilessEntity()
                                .thenReturn(true))
                .defaultIfEmpty(false);
    }

    /** True when the response existed and is now deleted. */
    public Mono<Boolean> delete(String tenant, String responseId) {
        return guard(routed(
                responseId,
                replica -> http.delete()
                        .uri(replica + RESPONSES + "/{id}", tenant, responseId)
                        .retrieve()
                        .toBodilessEntity()
                        .thenReturn(true)
                        .onErrorResume(WebClientResponseException.NotFound.class, e -> Mono.just(false))));
    }

    /** Stores one finished turn: its new input items and its output, chained to its parent. */
    public Mono<Void> store(String tenant, Response response, List<ContextItem> input, List<ContextItem> output) {
        // written straight from the objects: no intermediate tree copies of the response and its items
        byte[] json = ProtocolJson.mapper()
                .writeValueAsBytes(new StoreBody(response, response.previousResponseId(), input, output));
        // the new id carries its chain's tag: the turn goes where the chain's reads go
        return guard(routed(
                        response.id(),
                        replica -> http.post()
                                .uri(replica + RESPONSES, tenant)
                                .contentType(MediaType.APPLICATION_JSON)
                                .bodyValue(json)
                                .retrieve()
                                .toBodilessEntity())
                .onErrorMap(
                        WebClientResponseException.NotFound.class,
                        e -> ApiException.previousResponseNotFound(response.previousResponseId()))
                .then());
    }

    /**
     * The body of session-service's {@code POST …/responses}, in its field order. The output items go once, as
     * {@code output}: session-service stores the response without them either way.
     */
    private record StoreBody(
            @JsonIgnoreProperties("output") Response response,
            @Nullable String previousResponseId,
            List<ContextItem> input,
            List<ContextItem> output) {}

    private <T> Mono<T> read(String responseId, Function<String, Mono<T>> call) {
        return guard(routed(
                        responseId,
                        replica -> call.apply(replica)
                                .onErrorResume(WebClientResponseException.NotFound.class, e -> Mono.empty()))
                .transformDeferred(RetryOperator.of(readRetry)));
    }

    /** The call on the chain's owner, then on the next replicas while it never reached one; behind the bulkhead. */
    private <T> Mono<T> routed(String responseId, Function<String, Mono<T>> call) {
        return routed(RendezvousRouter.chainKey(responseId), call);
    }

    private <T> Mono<T> routed(long routingKey, Function<String, Mono<T>> call) {
        return replicas.call(routingKey, (replica, owner) -> call.apply(replica))
                .transformDeferred(BulkheadOperator.of(bulkhead));
    }

    // Conversations: session-service's 4xx (not found, changed, a duplicate item id) are the client's answer as they
    // are, and routed by the conversation's tag, so one replica serves a conversation's calls.

    /** Creates a conversation with its initial items. */
    public Mono<ConversationRecord> createConversation(
            String tenant, String id, long createdAt, Map<String, String> metadata, List<ContextItem> items) {
        ObjectNode body = ProtocolJson.nodes().objectNode();
        body.put("id", id);
        body.put("created_at", createdAt);
        body.set("metadata", ProtocolJson.mapper().valueToTree(metadata));
        body.set("items", ProtocolJson.mapper().valueToTree(items));
        return conversationCall(id, replica -> postJson(replica + CONVERSATIONS, body, tenant))
                .map(SessionClient::parseConversation);
    }

    /** A conversation's fields; 404 {@code conversation_not_found} when the tenant has no such conversation. */
    public Mono<ConversationRecord> conversation(String tenant, String id) {
        return conversationRead(id, replica -> getBytes(replica + CONVERSATIONS + "/{id}", tenant, id))
                .map(SessionClient::parseConversation);
    }

    /** Replaces a conversation's metadata; answers the conversation. */
    public Mono<ConversationRecord> updateConversation(String tenant, String id, Map<String, String> metadata) {
        ObjectNode body = ProtocolJson.nodes().objectNode();
        body.set("metadata", ProtocolJson.mapper().valueToTree(metadata));
        return conversationCall(id, replica -> postJson(replica + CONVERSATIONS + "/{id}", body, tenant, id))
                .map(SessionClient::parseConversation);
    }

    /** Deletes a conversation with its items; 404 when there is none. */
    public Mono<Void> deleteConversation(String tenant, String id) {
        return conversationCall(
                        id,
                        replica -> http.delete()
                                .uri(replica + CONVERSATIONS + "/{id}", tenant, id)
                                .retrieve()
                                .toBodilessEntity())
                .then();
    }

    /** A conversation with all its items, in one round trip to session-service and one to Redis. */
    public Mono<ConversationHistory> conversationHistory(String tenant, String id) {
        return conversationRead(id, replica -> getBytes(replica + CONVERSATIONS + "/{id}/context", tenant, id))
                .map(json -> {
                    JsonNode root = ProtocolJson.mapper().readTree(json);
                    return new ConversationHistory(conversationOf(root), contextItems(root.path("items")));
                });
    }

    /**
     * Appends items to a conversation in one step; with {@code version}, only if the conversation is still at it
     * (else 409 {@code conversation_changed}, and nothing is appended). Emits the new version.
     */
    public Mono<Long> appendToConversation(String tenant, String id, @Nullable Long version, List<ContextItem> items) {
        ObjectNode body = ProtocolJson.nodes().objectNode();
        if (version != null) {
            body.put("version", version);
        }
        body.set("items", ProtocolJson.mapper().valueToTree(items));
        return conversationCall(id, replica -> postJson(replica + CONVERSATIONS + "/{id}/items", body, tenant, id))
                .map(json ->
                        ProtocolJson.mapper().readTree(json).path("version").asLong());
    }

    /** A page of a conversation's items, in {@code ascending} or descending order, after the item {@code after}. */
    public Mono<ConversationItemsPage> conversationItems(
            String tenant, String id, int limit, boolean ascending, @Nullable String after) {
        return conversationRead(
                        id,
                        replica -> getBytes(
                                replica + CONVERSATIONS + "/{id}/items?limit={limit}&order={order}&after={after}",
                                tenant,
                                id,
                                limit,
                                ascending ? "asc" : "desc",
                                after == null ? "" : after))
                .map(json -> {
                    JsonNode root = ProtocolJson.mapper().readTree(json);
                    List<Item> items = new ArrayList<>(root.path("data").size());
                    root.path("data").forEach(item -> items.add(Item.of((ObjectNode) item)));
                    return new ConversationItemsPage(
                            items, root.path("has_more").asBoolean());
                });
    }

    /** One item of a conversation; 404 {@code item_not_found} when it has none with the id. */
    public Mono<Item> conversationItem(String tenant, String id, String itemId) {
        return conversationRead(
                        id, replica -> getBytes(replica + CONVERSATIONS + "/{id}/items/{item}", tenant, id, itemId))
                .map(json -> Item.of((ObjectNode) ProtocolJson.mapper().readTree(json)));
    }

    /** Deletes one item of a conversation; answers the conversation. */
    public Mono<ConversationRecord> deleteConversationItem(String tenant, String id, String itemId) {
        return conversationCall(
                        id,
                        replica -> http.delete()
                                .uri(replica + CONVERSATIONS + "/{id}/items/{item}", tenant, id, itemId)
                                .retrieve()
                                .bodyToMono(byte[].class))
                .map(SessionClient::parseConversation);
    }

    private <T> Mono<T> conversationRead(String id, Function<String, Mono<T>> call) {
        return conversationCall(id, call).transformDeferred(RetryOperator.of(readRetry));
    }

    private <T> Mono<T> conversationCall(String id, Function<String, Mono<T>> call) {
        long key = ConversationIds.isWellFormed(id)
                ? RendezvousRouter.tagKey(ConversationIds.tag(id))
                : RendezvousRouter.chainKey(id);
        return routed(key, call)
                .onErrorMap(RemoteFailures::isClientError, error -> answered((WebClientResponseException) error))
                .transform(SessionClient::guard);
    }

    private static <T> Mono<T> guard(Mono<T> call) {
        return call.onErrorMap(error -> !(error instanceof ApiException), SessionClient::translate);
    }

    private static ApiException translate(Throwable error) {
        if (RemoteFailures.isClientError(error)) {
            return refused((WebClientResponseException) error);
        }
        String reason = switch (error) {
            case CallNotPermittedException open -> "circuit open";
            case BulkheadFullException full -> "too many calls in flight";
            case Replicas.NoReplicaException none -> "no replica known";
            case WebClientResponseException http ->
                "HTTP " + http.getStatusCode().value();
            default -> error.getClass().getSimpleName();
        };
        return ApiException.unavailable(
                ErrorCodes.SESSION_STORE_UNAVAILABLE,
                "The response store is unavailable (" + reason + "). Please retry.");
    }

    /** A 4xx of session-service that is the client's answer as it is: its status and its error. */
    private static ApiException answered(WebClientResponseException error) {
        ApiException refused = refused(error);
        return new ApiException(error.getStatusCode().value(), refused.error());
    }

    /** A 4xx of session-service (other than the 404s that are results): the request was bad, so a 400. */
    private static ApiException refused(WebClientResponseException error) {
        JsonNode detail = RemoteFailures.errorOf(error);
        String message = detail.path("message").isString()
                ? detail.path("message").stringValue()
                : "The response store refused the request (HTTP "
                        + error.getStatusCode().value() + ").";
        String code = detail.path("code").isString() ? detail.path("code").stringValue() : "invalid_request";
        String param = detail.path("param").isString() ? detail.path("param").stringValue() : null;
        return ApiException.invalidRequest(param, code, message);
    }

    private static StoredContext parseContext(byte[] json) {
        JsonNode root = ProtocolJson.mapper().readTree(json);
        return new StoredContext(
                contextItems(root.path("items")),
                root.path("input_count").asInt(),
                root.path("depth").asInt(1));
    }

    /** Stored items, each {@code {"tokens":n,"item":{…}}}. */
    private static List<ContextItem> contextItems(JsonNode items) {
        List<ContextItem> context = new ArrayList<>(items.size());
        for (JsonNode entry : items) {
            context.add(new ContextItem(
                    Item.of((ObjectNode) entry.get("item")),
                    entry.path("tokens").asInt()));
        }
        return context;
    }

    private static ConversationRecord parseConversation(byte[] json) {
        return conversationOf(ProtocolJson.mapper().readTree(json));
    }

    private static ConversationRecord conversationOf(JsonNode root) {
        return new ConversationRecord(
                root.path("id").asString(),
                root.path("created_at").asLong(),
                ProtocolJson.mapper().convertValue(root.path("metadata"), METADATA),
                root.path("version").asLong());
    }

    /** POSTs {@code body} as JSON to a session-service replica; the answer's bytes. */
    private Mono<byte[]> getBytes(String uri, Object... variables) {
        return http.get().uri(uri, variables).retrieve().bodyToMono(byte[].class);
    }

    private Mono<byte[]> postJson(String uri, JsonNode body, Object... variables) {
        return http.post()
                .uri(uri, variables)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(ProtocolJson.mapper().writeValueAsBytes(body))
                .retrieve()
                .bodyToMono(byte[].class);
    }
}
