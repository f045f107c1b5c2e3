package dev.hotloop.api.model.chat;

import dev.hotloop.api.model.upstream.ItemRenderer;
import dev.hotloop.api.model.upstream.PromptCacheKeys;
import dev.hotloop.api.model.upstream.RenderedItems;
import dev.hotloop.protocol.chat.ChatMessages;
import dev.hotloop.protocol.chat.ChatTools;
import dev.hotloop.protocol.item.Item;
import dev.hotloop.protocol.json.ProtocolJson;
import dev.hotloop.protocol.model.ModelRequest;
import java.util.List;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Renders the streaming {@code /chat/completions} body of one sampling step. Fields come in a fixed order and absent
 * settings are left out, so the same context renders the same bytes on every turn. The context's messages render
 * incrementally ({@link ItemRenderer}): a continuation converts only its new items.
 */
final class ChatCompletionRequest {

    /**
     * How an upstream wants its requests.
     *
     * @param model          the upstream's model name
     * @param maxTokensField {@code max_tokens} or {@code max_completion_tokens}
     * @param developerRole  the role {@code developer} messages are sent as
     * @param promptCacheKey whether to send {@code prompt_cache_key}
     */
    record Options(String model, String maxTokensField, String developerRole, boolean promptCacheKey) {}

    private final Options options;
    private final byte[] head;
    private final ItemRenderer messages;

    /** @param keptBytes the rendered messages kept at most, for continuations to copy */
    ChatCompletionRequest(Options options, long keptBytes) {
        this.options = options;
        this.head = RenderedItems.head(ProtocolJson.nodes().objectNode().put("model", options.model()), "messages");
        this.messages = new ItemRenderer(this::convert, keptBytes);
    }

    /** The request body, byte for byte what rendering the whole context at once gives. */
    byte[] render(ModelRequest request) {
        String instructions = request.instructions();
        return messages.render(request.context())
                .body(
                        head,
                        instructions == null || instructions.isEmpty() ? null : ChatMessages.system(instructions),
                        settings(request));
    }

    /** Items converted to messages so far, for tests: a continuation converts only its new items. */
    long convertedItems() {
        return messages.convertedItems();
    }

    /** Final messages handed on as they come, {@code developer} turned into the upstream's role. */
    private @Nullable ObjectNode convert(List<Item> items, @Nullable ObjectNode open, Consumer<ObjectNode> out) {
        ChatMessages.Converter converter = new ChatMessages.Converter(
                message -> {
                    if ("developer".equals(message.path("role").asString(""))) {
                        message.put("role", options.developerRole());
                    }
                    out.accept(message);
                },
                open);
        items.forEach(converter::add);
        return converter.open();
    }

    /** Every field after {@code messages}, in their fixed order. */
    private ObjectNode settings(ModelRequest request) {
        ObjectNode body = ProtocolJson.nodes().objectNode();
        body.put("stream", true);
        body.set("stream_options", ProtocolJson.nodes().objectNode().put("include_usage", true));
        ArrayNode tools = ChatTools.toChat(request.tools());
        if (!tools.isEmpty()) {
            body.set("tools", tools);
            body.set("tool_choice", ChatTools.toolChoice(request.toolChoice()));
            if (!request.parallelToolCalls()) {
                body.put("parallel_tool_calls", false);
            }
        }
        if (request.maxOutputTokens() != null) {
            body.put(options.maxTokensField(), request.maxOutputTokens());
        }
        if (request.temperature() != null) {
            body.put("temperature", request.temperature());
        }
        if (request.topP() != null) {
            body.put("top_p", request.topP());
        }
        if (options.promptCacheKey()) {
            body.put("prompt_cache_key", PromptCacheKeys.of(request));
        }
        return body;
    }
}
