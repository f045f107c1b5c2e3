package dev.hotloop.api.model.responses;

import dev.hotloop.api.model.upstream.ItemRenderer;
import dev.hotloop.api.model.upstream.PromptCacheKeys;
import dev.hotloop.api.model.upstream.RenderedItems;
import dev.hotloop.protocol.item.FunctionCallItem;
import dev.hotloop.protocol.item.FunctionCallOutputItem;
import dev.hotloop.protocol.item.Item;
import dev.hotloop.protocol.item.MessageItem;
import dev.hotloop.protocol.item.PassThroughItem;
import dev.hotloop.protocol.json.ProtocolJson;
import dev.hotloop.protocol.model.ModelRequest;
import dev.hotloop.protocol.tool.Tool;
import java.util.List;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Renders the streaming {@code /responses} body of one sampling step. Items go as hotloop keeps them, but for the ids
 * of messages, function calls and their outputs: hotloop assigned those, and an upstream that stores nothing
 * ({@code store:false}) refuses ids it does not know. Tools and {@code tool_choice} go as the client sent them.
 * Fields come in a fixed order, and a whole context's input renders incrementally ({@link ItemRenderer}): a
 * continuation encodes only its new items.
 */
final class ResponsesRequest {

    private final String upstreamModel;
    private final boolean promptCacheKey;
    private final boolean store;
    private final ItemRenderer input;

    /**
     * @param store     whether the upstream keeps the responses (to be continued later)
     * @param keptBytes the rendered input of earlier requests kept at most, for continuations to copy
     */
    ResponsesRequest(String upstreamModel, boolean promptCacheKey, boolean store, long keptBytes) {
        this.upstreamModel = upstreamModel;
        this.promptCacheKey = promptCacheKey;
        this.store = store;
        this.input = new ItemRenderer(ResponsesRequest::convert, keptBytes);
    }

    /**
     * The request body, byte for byte what rendering it at once gives.
     *
     * @param previousResponseId the upstream response the input continues, or null to send the whole context
     * @param from               with a previous response, the first context item to send (the ones before are in it)
     */
    byte[] render(ModelRequest request, @Nullable String previousResponseId, int from) {
        ObjectNode head = ProtocolJson.nodes().objectNode().put("model", upstreamModel);
        if (request.instructions() != null) {
            head.put("instructions", request.instructions());
        }
        RenderedItems items;
        if (previousResponseId == null) {
            items = input.render(request.context());
        } else {
            head.put("previous_response_id", previousResponseId);
            items = input.renderOnce(
                    request.context().subList(from, request.context().size()));
        }
        return items.body(RenderedItems.head(head, "input"), null, settings(request));
    }

    /** Items rendered to input items so far, for tests: a continuation renders only its new items. */
    long convertedItems() {
        return input.convertedItems();
    }

    /** Every field after {@code input}, in their fixed order. */
    private ObjectNode settings(ModelRequest request) {
        ObjectNode body = ProtocolJson.nodes().objectNode();
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

    /** Each item is an input item of its own: none is held back for later items to join. */
    private static @Nullable ObjectNode convert(List<Item> items, @Nullable ObjectNode open, Consumer<ObjectNode> out) {
        for (Item item : items) {
            out.accept(upstreamItem(item));
        }
        return null;
    }

    private static ObjectNode upstreamItem(Item item) {
        return switch (item) {
            case MessageItem m -> withoutId(m.json());
            case FunctionCallItem c -> withoutId(c.json());
            case FunctionCallOutputItem o -> withoutId(o.json());
            case PassThroughItem p -> p.json();
        };
    }

    /** A shallow copy: items never change, so the copy shares their values and costs its fields, not its content. */
    private static ObjectNode withoutId(ObjectNode json) {
        ObjectNode copy = ProtocolJson.nodes().objectNode();
        copy.setAll(json);
        copy.remove("id");
        return copy;
    }
}
