package dev.hotloop.api.tools;

import dev.hotloop.api.remote.RemoteFailures;
import dev.hotloop.api.remote.RendezvousRouter;
import dev.hotloop.api.remote.Replicas;
import dev.hotloop.protocol.error.ApiException;
import dev.hotloop.protocol.error.ErrorCodes;
import dev.hotloop.protocol.json.ProtocolJson;
import dev.hotloop.protocol.tool.FunctionTool;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.reactor.bulkhead.operator.BulkheadOperator;
import io.github.resilience4j.reactor.timelimiter.TimeLimiterOperator;
import io.github.resilience4j.timelimiter.TimeLimiter;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * tool-runner-service over its internal HTTP API, behind a bulkhead, and per replica a circuit breaker and a time
 * limiter. Every call of a chain goes to the replica that owns the chain by rendezvous hashing of its chain tag,
 * where the chain's workspace is. A call that never reached its replica (connection refused, circuit open) goes on
 * to the next one, and its result tells the model that it ran in a workspace without the earlier calls' files.
 *
 * <p>What the model sees as the tool's result, never as an HTTP error: a tool that fails or times out; a call
 * tool-runner refuses (a 4xx, such as too many commands), which never counts against a breaker; a call whose replica
 * went away while it ran (its workspace is lost with it). tool-runner itself being down, overloaded or too slow is a
 * 503 ({@code tool_runner_unavailable}). Cancelling a call closes its connection, and tool-runner kills the process.
 */
public class ToolRunnerClient {

    private static final String EXECUTIONS = "/internal/v1/tenants/{tenant}/chains/{chain}/executions";
    private static final String TOOLS = "/internal/v1/tools";
    /** The tool list changes only with tool-runner's configuration: read again after this. */
    private static final Duration TOOLS_TTL = Duration.ofMinutes(1);

    private static final String SHELL = "shell";
    /** A refused call exits as a shell's usage errors do. */
    private static final int REFUSED_EXIT_CODE = 2;

    static final String MOVED = "[hotloop: this conversation's tool runner could not be reached, so this call ran on"
            + " another one, in a workspace without the files of earlier calls]\n";
    static final String LOST = "[hotloop: the tool runner running this call went away before it finished; whether"
            + " the commands ran is unknown, and the conversation's workspace is lost: the next call starts in an"
            + " empty one]";

    private final WebClient http;
    private final Replicas replicas;
    private final Bulkhead bulkhead;
    private final TimeLimiter timeLimiter;
    private final Mono<Map<String, FunctionTool>> configured;

    /** @param http without a base URL: every call names its replica's */
    public ToolRunnerClient(WebClient http, Replicas replicas, Bulkhead bulkhead, TimeLimiter timeLimiter) {
        this.http = http;
        this.replicas = replicas;
        this.bulkhead = bulkhead;
        this.timeLimiter = timeLimiter;
        this.configured = replicas.call(
                        RendezvousRouter.tagKey(TOOLS),
                        (replica, owner) -> http.get()
                                .uri(replica + TOOLS)
                                .retrieve()
                                .bodyToMono(byte[].class)
                                .transformDeferred(TimeLimiterOperator.of(timeLimiter)))
                .map(ToolRunnerClient::functions)
                .onErrorMap(error -> !(error instanceof ApiException), ToolRunnerClient::unavailable)
                .cache(tools -> TOOLS_TTL, error -> Duration.ZERO, () -> Duration.ZERO);
    }

    /**
     * The configured tools of tool-runner by name, as the function tools the model is offered (the shell excluded);
     * read once a minute at most. Errors with a 503 {@code tool_runner_unavailable} when tool-runner cannot answer.
     */
    public Mono<Map<String, FunctionTool>> configuredTools() {
        return configured;
    }

    private static Map<String, FunctionTool> functions(byte[] body) {
        Map<String, FunctionTool> tools = new LinkedHashMap<>();
        for (JsonNode tool : ProtocolJson.mapper().readTree(body).path("tools")) {
            if ("function".equals(tool.path("type").asString("")) && tool instanceof ObjectNode function) {
                tools.put(function.path("name").asString(""), new FunctionTool(function));
            }
        }
        return Map.copyOf(tools);
    }

    /** The replicas calls are routed over. */
    Replicas replicas() {
        return replicas;
    }

    /** Runs a call in the workspace of the tenant's chain; emits the tool's result body. */
    public Mono<JsonNode> execute(String tenant, String chain, HostedCall call) {
        ObjectNode body = ProtocolJson.nodes().objectNode();
        body.put("tool", call.tool());
        body.put("call_id", call.callId());
        body.set("arguments", call.action());
        byte[] json = ProtocolJson.mapper().writeValueAsBytes(body);
        return replicas.call(
                        RendezvousRouter.tagKey(chain),
                        (replica, owner) -> http.post()
                                .uri(replica + EXECUTIONS, tenant, chain)
                                .contentType(MediaType.APPLICATION_JSON)
                                .bodyValue(json)
                                .retrieve()
                                .bodyToMono(byte[].class)
                                .map(bytes -> owner
                                        ? ProtocolJson.mapper().readTree(bytes)
                                        : noted(ProtocolJson.mapper().readTree(bytes), MOVED))
                                .transformDeferred(TimeLimiterOperator.of(timeLimiter)))
                .onErrorResume(
                        RemoteFailures::isClientError,
                        error -> Mono.just(failed(call, refusal((WebClientResponseException) error))))
                .onErrorResume(ToolRunnerClient::lostWhileRunning, error -> Mono.just(failed(call, LOST)))
                .transformDeferred(BulkheadOperator.of(bulkhead))
                .onErrorMap(error -> !(error instanceof ApiException), ToolRunnerClient::unavailable);
    }

    /** The call reached its replica, and the connection broke before the answer: the replica went away. */
    static boolean lostWhileRunning(Throwable error) {
        return (error instanceof WebClientRequestException && !RemoteFailures.neverReached(error))
                || error instanceof IOException;
    }

    private static String refusal(WebClientResponseException error) {
        JsonNode detail = RemoteFailures.errorOf(error);
        String reason = detail.path("message").isString()
                ? detail.path("message").stringValue()
                : "HTTP " + error.getStatusCode().value();
        return "[hotloop: the tool runner refused this call: " + reason + "]";
    }

    /** A result in the shape of the tool's own, with {@code message} as its error output. */
    private static JsonNode failed(HostedCall call, String message) {
        ObjectNode result = ProtocolJson.nodes().objectNode();
        result.put("call_id", call.callId());
        result.put("tool", call.tool());
        if (!SHELL.equals(call.tool())) {
            return result.put("output", message);
        }
        ObjectNode command = result.putArray("output").addObject();
        command.put("stdout", "");
        command.put("stderr", message);
        command.putObject("outcome").put("type", "exit").put("exit_code", REFUSED_EXIT_CODE);
        return result;
    }

    /** The result with {@code note} ahead of its first command's error output (or a configured tool's output). */
    private static JsonNode noted(JsonNode result, String note) {
        if (result instanceof ObjectNode object && result.path("output").isString()) {
            object.put("output", note + result.path("output").stringValue());
        } else if (result.path("output").path(0) instanceof ObjectNode first) {
            first.put("stderr", note + first.path("stderr").asString(""));
        }
        return result;
    }

    private static ApiException unavailable(Throwable error) {
        String reason = switch (error) {
            case BulkheadFullException full -> "too many hosted tool calls in flight";
            case CallNotPermittedException open -> "circuit open";
            case TimeoutException slow -> "the call timed out";
            case Replicas.NoReplicaException none -> "no replica known";
            case WebClientResponseException response ->
                "HTTP " + response.getStatusCode().value();
            default -> error.getClass().getSimpleName();
        };
        return ApiException.unavailable(
                ErrorCodes.TOOL_RUNNER_UNAVAILABLE, "The hosted tool runner is unavailable (" + reason + ").");
    }
}
