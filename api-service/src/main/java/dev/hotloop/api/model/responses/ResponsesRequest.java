package dev.hotloop.api.model.responses;

import dev.hotloop.api.model.upstream.PromptCacheKeys;
import dev.hotloop.protocol.item.FunctionCallItem;
import dev.hotloop.protocol.item.FunctionCallOutputItem;
import dev.hotloop.protocol.item.Item;
import dev.hotloop.protocol.item.MessageItem;
import dev.hotloop.protocol.item.PassThroughItem;
import dev.hotloop.protocol.json.ProtocolJson;
import dev.hotloop.protocol.model.ModelRequest;
import dev.hotloop.protocol.tool.Tool;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The streaming {@code /responses} body of one sampling step. Items go as hotloop keeps them, but for the ids of
 * messages, function calls and their outputs: hotloop assigned those, and an upstream that stores nothing
 * ({@code store:false}) refuses ids it does not know. Tools and {@code tool_choice} go as the client sent them.
 */
final class ResponsesRequest {

    private ResponsesRequest() {}

    /**
     * @param previousResponseId the upstream response the input continues, or null to send the whole context
     * @param from               the first context item to send (the ones before are in the previous response)
     * @param store              whether the upstream keeps the response (to be continued later)
     */
    static ObjectNode render(
            ModelRequest request,
            String upstreamModel,
            boolean promptCacheKey,
            boolean store,
            @Nullable String previousResponseId,
            int from) {
        ObjectNode body = ProtocolJson.nodes().objectNode();
        body.put("model", upstreamModel);
        if (request.instructions() != null) {
            body.put("instructions", request.instructions());
        }
        if (previousResponseId != null) {
            body.put("previous_response_id", previousResponseId);
        }
        ArrayNode input = body.putArray("input");
        for (Item item : request.context().subList(from, request.context().size())) {
            input.add(upstreamItem(item));
        }
        if (!request.tools().isEmpty()) {
            ArrayNode tools = body.putArray("tools");
            for (Tool tool : request.tools()) {
                tools.add(tool.json());
            }
            if (request.toolChoice() != null) {
                body.set("tool_choice", request.toolChoice().json());
            }
            body.put("parallel_tool_calls", request.parallelToolCalls());
        }
        if (request.maxOutputTokens() != null) {
            body.put("max_output_tokens", request.maxOutputTokens());
        }
        if (request.temperature() != null) {
            body.put("temperature", request.temperature());
        }
        if (request.topP() != null) {
            body.put("top_p", request.topP());
        }
        if (promptCacheKey) {
            body.put("prompt_cache_key", PromptCacheKeys.of(request));
        }
        body.put("store", store);
        body.put("stream", true);
        return body;
    }

    private static ObjectNode upstreamItem(Item item) {
        return switch (item) {
            case MessageItem m -> withoutId(m.json());
            case FunctionCallItem c -> withoutId(c.json());
            case FunctionCallOutputItem o -> withoutId(o.json());
            case PassThroughItem p -> p.json();
        };
    }

    private static ObjectNode withoutId(ObjectNode json) {
        ObjectNode copy = json.deepCopy();
        copy.remove("id");
        return copy;
    }
}
