package dev.hotloop.api.session;

import dev.hotloop.api.context.ContextItem;
import dev.hotloop.api.context.StoredContext;
import dev.hotloop.protocol.error.ApiException;
import dev.hotloop.protocol.item.Item;
import dev.hotloop.protocol.json.ProtocolJson;
import dev.hotloop.protocol.response.Response;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.reactor.circuitbreaker.operator.CircuitBreakerOperator;
import io.github.resilience4j.reactor.retry.RetryOperator;
import io.github.resilience4j.retry.Retry;
import java.util.ArrayList;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * session-service over its internal HTTP API. Unknown ids and other tenants' ids are empty results; an
 * unreachable or failing store is a 503 {@code session_store_unavailable}. Reads retry, writes never do
 * (a write is not idempotent once its items are appended). Every call passes one circuit breaker.
 */
public class SessionClient {

    private static final String RESPONSES = "/internal/v1/tenants/{tenant}/responses";

    private final WebClient http;
    private final CircuitBreaker circuitBreaker;
    private final Retry readRetry;

    public SessionClient(WebClient http, CircuitBreaker circuitBreaker, Retry readRetry) {
        this.http = http;
        this.circuitBreaker = circuitBreaker;
        this.readRetry = readRetry;
    }

    /** The whole context of a stored response, or empty when the tenant has no such response. */
    public Mono<StoredContext> context(String tenant, String responseId) {
        return read(http.get().uri(RESPONSES + "/{id}/context", tenant, responseId).retrieve().bodyToMono(byte[].class))
                .map(SessionClient::parseContext);
    }

    /** The stored Response JSON, as stored, or empty. */
    public Mono<byte[]> response(String tenant, String responseId) {
        return read(http.get().uri(RESPONSES + "/{id}", tenant, responseId).retrieve().bodyToMono(byte[].class));
    }

    /** True when the response existed and is now deleted. */
    public Mono<Boolean> delete(String tenant, String responseId) {
        return guard(http.delete().uri(RESPONSES + "/{id}", tenant, responseId).retrieve().toBodilessEntity()
                .thenReturn(true)
                .onErrorResume(WebClientResponseException.NotFound.class, e -> Mono.just(false)));
    }

    /** Stores one finished turn: its new input items and its output, chained to its parent. */
    public Mono<Void> store(String tenant, Response response, List<ContextItem> input, List<ContextItem> output) {
        ObjectNode body = ProtocolJson.nodes().objectNode();
        body.set("response", ProtocolJson.mapper().valueToTree(response));
        body.put("previous_response_id", response.previousResponseId());
        body.set("input", ProtocolJson.mapper().valueToTree(input));
        body.set("output", ProtocolJson.mapper().valueToTree(output));
        byte[] json = ProtocolJson.mapper().writeValueAsBytes(body);
        return guard(http.post().uri(RESPONSES, tenant).contentType(MediaType.APPLICATION_JSON).bodyValue(json)
                .retrieve().toBodilessEntity()
                .onErrorMap(WebClientResponseException.NotFound.class,
                        e -> ApiException.previousResponseNotFound(response.previousResponseId()))
                .then());
    }

    private <T> Mono<T> read(Mono<T> call) {
        return guard(call.onErrorResume(WebClientResponseException.NotFound.class, e -> Mono.empty())
                .transformDeferred(RetryOperator.of(readRetry)));
    }

    private <T> Mono<T> guard(Mono<T> call) {
        return call.transformDeferred(CircuitBreakerOperator.of(circuitBreaker))
                .onErrorMap(error -> !(error instanceof ApiException), SessionClient::unavailable);
    }

    private static ApiException unavailable(Throwable error) {
        String reason = error instanceof CallNotPermittedException ? "circuit open"
                : error instanceof WebClientResponseException http ? "HTTP " + http.getStatusCode().value()
                : error.getClass().getSimpleName();
        return ApiException.unavailable("session_store_unavailable",
                "The response store is unavailable (" + reason + "). Please retry.");
    }

    static boolean retryable(Throwable error) {
        return !(error instanceof WebClientResponseException http) || http.getStatusCode().is5xxServerError()
                || http.getStatusCode().isSameCodeAs(HttpStatus.TOO_MANY_REQUESTS);
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
}
