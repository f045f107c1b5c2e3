package dev.hotloop.api.background;

import dev.hotloop.api.loop.Turn;
import dev.hotloop.protocol.error.ApiException;
import dev.hotloop.protocol.error.OpenAiError;
import dev.hotloop.protocol.id.ChainKeys;
import dev.hotloop.protocol.json.ProtocolJson;
import dev.hotloop.protocol.response.Response;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import tools.jackson.databind.node.ObjectNode;

/** What the API does with background responses: queue one, read its live state, cancel it. */
@Component
public class BackgroundResponses {

    private final BackgroundQueue queue;

    public BackgroundResponses(BackgroundQueue queue) {
        this.queue = queue;
    }

    /**
     * Queues a prepared turn under its response id, with the request that a worker of any replica will run; emits
     * the {@code queued} response, or fails with 429 when the queue (overall or the tenant's) is full.
     */
    public Mono<String> submit(Turn turn, String body) {
        Response queued = turn.response().finish(Response.QUEUED, List.of(), null, null, null, 0);
        String json = ProtocolJson.mapper().writeValueAsString(queued);
        String ref = ChainKeys.of(turn.tenant(), queued.id()).orElseThrow().ref();
        return queue.enqueue(turn.tenant(), ref, body, json)
                .flatMap(refused -> Mono.<String>error(queueFull(refused)))
                .defaultIfEmpty(json);
    }

    /**
     * The live state of a background response that is not stored (queued, running, cancelled or failed), as a
     * Response JSON; empty otherwise.
     */
    public Mono<byte[]> live(String tenant, String responseId) {
        return Mono.justOrEmpty(ChainKeys.of(tenant, responseId))
                .flatMap(keys -> queue.state(keys.ref()))
                .filter(state ->
                        !Response.COMPLETED.equals(state.status()) && !Response.INCOMPLETE.equals(state.status()))
                .map(state -> withStatus(state.response(), state.status(), null).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Cancels a background response: emits it {@code cancelled} when it was queued or running (a running one stops
     * within about {@code poll-interval} on its replica), or its state when it had already ended. Empty when it is
     * no background response this replica can see (the caller then looks among stored responses).
     */
    public Mono<BackgroundQueue.State> cancel(String tenant, String responseId) {
        return Mono.justOrEmpty(ChainKeys.of(tenant, responseId))
                .flatMap(keys -> queue.state(keys.ref())
                        .flatMap(state ->
                                queue.cancel(keys.ref(), withStatus(state.response(), Response.CANCELLED, null))))
                .map(state -> Response.IN_PROGRESS.equals(state.status())
                        ? new BackgroundQueue.State(
                                Response.CANCELLED, withStatus(state.response(), Response.CANCELLED, null))
                        : state);
    }

    /** {@code response} JSON with another status, and an error when given. */
    static String withStatus(String response, String status, Response.@Nullable ResponseError error) {
        ObjectNode node = (ObjectNode) ProtocolJson.mapper().readTree(response);
        node.put("status", status);
        if (error != null) {
            node.set("error", ProtocolJson.mapper().valueToTree(error));
        }
        return ProtocolJson.mapper().writeValueAsString(node);
    }

    /** The JSON of a {@code response.failed} event carrying {@code response}. */
    static String failedEvent(int sequenceNumber, String response) {
        ObjectNode event = ProtocolJson.nodes().objectNode();
        event.put("type", "response.failed");
        event.put("sequence_number", sequenceNumber);
        event.set("response", ProtocolJson.mapper().readTree(response));
        return ProtocolJson.mapper().writeValueAsString(event);
    }

    private static ApiException queueFull(String limit) {
        String message = limit.equals("tenant")
                ? "Too many background responses queued for this organization; retry once some have started."
                : "Too many background responses queued; retry once some have started.";
        return new ApiException(429, new OpenAiError(message, "requests", null, "rate_limit_exceeded"));
    }
}
