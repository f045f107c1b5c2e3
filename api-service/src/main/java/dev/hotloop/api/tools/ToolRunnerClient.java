package dev.hotloop.api.tools;

import dev.hotloop.protocol.error.ApiException;
import dev.hotloop.protocol.error.ErrorCodes;
import dev.hotloop.protocol.json.ProtocolJson;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.reactor.bulkhead.operator.BulkheadOperator;
import io.github.resilience4j.reactor.circuitbreaker.operator.CircuitBreakerOperator;
import io.github.resilience4j.reactor.timelimiter.TimeLimiterOperator;
import io.github.resilience4j.timelimiter.TimeLimiter;
import java.util.concurrent.TimeoutException;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * tool-runner-service over its internal HTTP API, behind a bulkhead, a time limiter and a circuit breaker. A tool
 * that fails or times out is a result the model sees; tool-runner itself being down, overloaded or too slow is a
 * 503 ({@code tool_runner_unavailable}). Cancelling a call closes its connection, and tool-runner kills the process.
 */
public class ToolRunnerClient {

    private final WebClient http;
    private final Bulkhead bulkhead;
    private final TimeLimiter timeLimiter;
    private final CircuitBreaker circuitBreaker;

    public ToolRunnerClient(WebClient http, Bulkhead bulkhead, TimeLimiter timeLimiter, CircuitBreaker circuitBreaker) {
        this.http = http;
        this.bulkhead = bulkhead;
        this.timeLimiter = timeLimiter;
        this.circuitBreaker = circuitBreaker;
    }

    /** Runs a call in the workspace of the tenant's chain; emits the tool's result body. */
    public Mono<JsonNode> execute(String tenant, String chain, HostedCall call) {
        ObjectNode body = ProtocolJson.nodes().objectNode();
        body.put("tool", call.tool());
        body.put("call_id", call.callId());
        body.set("arguments", call.action());
        return http.post().uri("/internal/v1/tenants/{tenant}/chains/{chain}/executions", tenant, chain)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(ProtocolJson.mapper().writeValueAsBytes(body))
                .retrieve()
                .bodyToMono(byte[].class)
                .map(bytes -> ProtocolJson.mapper().readTree(bytes))
                .transformDeferred(TimeLimiterOperator.of(timeLimiter))
                .transformDeferred(CircuitBreakerOperator.of(circuitBreaker))
                .transformDeferred(BulkheadOperator.of(bulkhead))
                .onErrorMap(error -> !(error instanceof ApiException), ToolRunnerClient::unavailable);
    }

    private static ApiException unavailable(Throwable error) {
        String reason = switch (error) {
            case BulkheadFullException full -> "too many hosted tool calls in flight";
            case CallNotPermittedException open -> "circuit open";
            case TimeoutException slow -> "the call timed out";
            case WebClientResponseException response when response.getStatusCode().value() == 400 ->
                    "it refused the call: " + response.getResponseBodyAsString();
            case WebClientResponseException response -> "HTTP " + response.getStatusCode().value();
            default -> error.getClass().getSimpleName();
        };
        return ApiException.unavailable(ErrorCodes.TOOL_RUNNER_UNAVAILABLE, "The hosted tool runner is unavailable ("
                + reason + ").");
    }
}
