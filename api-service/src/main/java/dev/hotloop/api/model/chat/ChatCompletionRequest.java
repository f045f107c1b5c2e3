package dev.hotloop.api.model.chat;

import dev.hotloop.api.model.upstream.PromptCacheKeys;
import dev.hotloop.protocol.chat.ChatMessages;
import dev.hotloop.protocol.chat.ChatTools;
import dev.hotloop.protocol.json.ProtocolJson;
import dev.hotloop.protocol.model.ModelRequest;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The streaming {@code /chat/completions} body of one sampling step. Fields come in a fixed order and absent
 * settings are left out, so the same context renders the same bytes on every turn.
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

    private ChatCompletionRequest() {}

    static ObjectNode render(ModelRequest request, Options options) {
        ObjectNode body = ProtocolJson.nodes().objectNode();
        body.put("model", options.model());
        ArrayNode messages = ChatMessages.toChat(request.instructions(), request.context());
        if (!"developer".equals(options.developerRole())) {
            for (JsonNode message : messages) {
                if ("developer".equals(message.path("role").asString(""))) {
                    ((ObjectNode) message).put("role", options.developerRole());
                }
            }
        }
        body.set("messages", messages);
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
