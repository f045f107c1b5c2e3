package dev.hotloop.api.session;

import dev.hotloop.api.context.ContextItem;
import dev.hotloop.api.context.StoredContext;
import dev.hotloop.protocol.error.ApiException;
import dev.hotloop.protocol.error.ErrorCodes;
import dev.hotloop.protocol.item.Item;
import dev.hotloop.protocol.json.ProtocolJson;
import dev.hotloop.protocol.response.Response;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.reactor.circuitbreaker.operator.CircuitBreakerOperator;
import io.github.resilience4j.reactor.retry.RetryOperator;
import io.github.resilience4j.retry.Retry;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * session-service over its internal HTTP API. Unknown ids and other tenants' ids are empty results; an
 * unreachable or failing store is a 503 {@code session_store_unavailable}. Reads retry, writes never do
 * (a write is not idempotent once its items are appended).
 *
 * <p>With several replicas, every call of a chain goes to the replica that owns the chain by rendezvous hashing of
 * its chain tag, so that replica's near cache serves it. Each replica has its own circuit breaker. A call that never
 * reached its replica (connection refused or timed out, circuit open) goes on to the next replica in the chain's
 * rendezvous order, writes included: Redis is the truth, so any replica can serve any chain.
 */
public class SessionClient {

    private static final String RESPONSES = "/internal/v1/tenants/{tenant}/responses";

    private final WebClient http;
    private final SessionReplicas replicas;
    private final Retry readRetry;
    private final Runnable onFailover;

    /** One replica: the base URL of {@code http}, behind {@code circuitBreaker}. */
    public SessionClient(WebClient http, CircuitBreaker circuitBreaker, Retry readRetry) {
        this(http, SessionReplicas.single(circuitBreaker), readRetry, () -> { });
    }

    /**
     * @param http       without a base URL: every call names its replica's
     * @param onFailover runs each time a call moves on to the next replica
     */
    SessionClient(WebClient http, SessionReplicas replicas, Retry readRetry, Runnable onFailover) {
        this.http = http;
        this.replicas = replicas;
        this.readRetry = readRetry;
        this.onFailover = onFailover;
    }

    /** The whole context of a stored response, or empty when the tenant has no such response. */
    public Mono<StoredContext> context(String tenant, String responseId) {
        return read(responseId, replica -> http.get().uri(replica + RESPONSES + "/{id}/context", tenant, responseId)
                .retrieve().bodyToMono(byte[].class))
                .map(SessionClient::parseContext);
    }

    /** The stored Response JSON, as stored, or empty. */
    public Mono<byte[]> response(String tenant, String responseId) {
        return read(responseId, replica -> http.get().uri(replica + RESPONSES + "/{id}", tenant, responseId)
                .retrieve().bodyToMono(byte[].class));
    }

    /** True when the response existed and is now deleted. */
    public Mono<Boolean> delete(String tenant, String responseId) {
        return guard(routed(responseId, replica -> http.delete().uri(replica + RESPONSES + "/{id}", tenant, responseId)
                .retrieve().toBodilessEntity()
                .thenReturn(true)
                .onErrorResume(WebClientResponseException.NotFound.class, e -> Mono.just(false))));
    }

    /** Stores one finished turn: its new input items and its output, chained to its parent. */
    public Mono<Void> store(String tenant, Response response, List<ContextItem> input, List<ContextItem> output) {
        ObjectNode body = ProtocolJson.nodes().objectNode();
        body.set("response", ProtocolJson.mapper().valueToTree(response));
        body.put("previous_response_id", response.previousResponseId());
        body.set("input", ProtocolJson.mapper().valueToTree(input));
        body.set("output", ProtocolJson.mapper().valueToTree(output));
        byte[] json = ProtocolJson.mapper().writeValueAsBytes(body);
        // the new id carries its chain's tag: the turn goes where the chain's reads go
        return guard(routed(response.id(), replica -> http.post().uri(replica + RESPONSES, tenant)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(json)
                .retrieve().toBodilessEntity())
                .onErrorMap(WebClientResponseException.NotFound.class,
                        e -> ApiException.previousResponseNotFound(response.previousResponseId()))
                .then());
    }

    private <T> Mono<T> read(String responseId, Function<String, Mono<T>> call) {
        return guard(routed(responseId, replica -> call.apply(replica)
                .onErrorResume(WebClientResponseException.NotFound.class, e -> Mono.empty()))
                .transformDeferred(RetryOperator.of(readRetry)));
    }

    /** The call on the chain's owner, then on the next replicas in rendezvous order while it never reached one. */
    private <T> Mono<T> routed(String responseId, Function<String, Mono<T>> call) {
        return Mono.defer(() -> {
            List<SessionReplica> order = replicas.route(responseId);
            return order.isEmpty() ? Mono.error(new NoReplicaException()) : attempt(order, 0, call);
        });
    }

    private <T> Mono<T> attempt(List<SessionReplica> order, int index, Function<String, Mono<T>> call) {
        SessionReplica replica = order.get(index);
        Mono<T> attempt = call.apply(replica.baseUrl()).transformDeferred(CircuitBreakerOperator.of(replica.circuitBreaker()));
        if (index + 1 == order.size()) {
            return attempt;
        }
        return attempt.onErrorResume(SessionClient::neverReached, error -> {
            onFailover.run();
            return attempt(order, index + 1, call);
        });
    }

    private static <T> Mono<T> guard(Mono<T> call) {
        return call.onErrorMap(error -> !(error instanceof ApiException), SessionClient::unavailable);
    }

    private static ApiException unavailable(Throwable error) {
        String reason = error instanceof CallNotPermittedException ? "circuit open"
                : error instanceof NoReplicaException ? "no replica known"
                : error instanceof WebClientResponseException http ? "HTTP " + http.getStatusCode().value()
                : error.getClass().getSimpleName();
        return ApiException.unavailable(ErrorCodes.SESSION_STORE_UNAVAILABLE,
                "The response store is unavailable (" + reason + "). Please retry.");
    }

    /** I/O failures, 5xx and 429: worth a retry, and what a replica's circuit breaker counts against it. */
    static boolean retryable(Throwable error) {
        return !(error instanceof WebClientResponseException http) || http.getStatusCode().is5xxServerError()
                || http.getStatusCode().isSameCodeAs(HttpStatus.TOO_MANY_REQUESTS);
    }

    /** The request was never sent: no connection to the replica, or its circuit is open. Safe to send elsewhere. */
    static boolean neverReached(Throwable error) {
        if (error instanceof CallNotPermittedException) {
            return true;
        }
        if (!(error instanceof WebClientRequestException)) {
            return false;
        }
        for (Throwable cause = error.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof ConnectException || cause instanceof NoRouteToHostException
                    || cause instanceof UnknownHostException) {
                return true;
            }
        }
        return false;
    }

    private static StoredContext parseContext(byte[] json) {
        JsonNode root = ProtocolJson.mapper().readTree(json);
        JsonNode items = root.path("items");
        List<ContextItem> context = new ArrayList<>(items.size());
        for (JsonNode entry : items) {
            context.add(new ContextItem(Item.of((ObjectNode) entry.get("item")), entry.path("tokens").asInt()));
        }
        return new StoredContext(context, root.path("input_count").asInt(), root.path("depth").asInt(1));
    }

    /** No replica is known yet: DNS has not answered. */
    private static final class NoReplicaException extends RuntimeException {

        NoReplicaException() {
            super("no session-service replica known", null, false, false);
        }
    }
}
