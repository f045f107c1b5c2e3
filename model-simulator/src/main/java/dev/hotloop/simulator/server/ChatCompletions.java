package dev.hotloop.simulator.server;

import dev.hotloop.protocol.chat.ChatMessages;
import dev.hotloop.protocol.chat.ChatTools;
import dev.hotloop.protocol.error.ApiException;
import dev.hotloop.protocol.error.ErrorCodes;
import dev.hotloop.protocol.id.ResponseIds;
import dev.hotloop.protocol.item.Item;
import dev.hotloop.protocol.json.ProtocolJson;
import dev.hotloop.protocol.model.FinishReason;
import dev.hotloop.protocol.model.ModelEvent;
import dev.hotloop.protocol.model.ModelRequest;
import dev.hotloop.protocol.tool.Tool;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code POST /v1/chat/completions} as OpenAI streams it: a role chunk, one chunk per content or tool-call delta
 * ({@code tool_calls[].index} counting the calls, id, type and name on a call's first chunk), a chunk with the
 * {@code finish_reason} ({@code tool_calls} when the model called a function), then the usage chunk when
 * {@code stream_options.include_usage} is set, then {@code [DONE]}.
 */
final class ChatCompletions {

    private static final JsonNodeFactory NODES = ProtocolJson.nodes();

    /**
     * A parsed request.
     *
     * @param segments what the prompt cache sees: the tool definitions, then each message as sent
     */
    record Call(ModelRequest request, boolean stream, boolean includeUsage, List<String> segments) {}

    private ChatCompletions() {}

    static Call parse(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ApiException.invalidRequest(null, ErrorCodes.INVALID_JSON, "The request body must be a JSON object.");
        }
        List<Item> context = ChatMessages.fromChat(body.get("messages"));
        List<Tool> tools = ChatTools.fromChat(body.get("tools"));
        JsonNode maxTokens =
                body.hasNonNull("max_completion_tokens") ? body.get("max_completion_tokens") : body.get("max_tokens");
        ModelRequest request = new ModelRequest(
                body.path("model").asString("hotloop-sim"),
                null,
                context,
                tools,
                ChatTools.toolChoiceFromChat(body.get("tool_choice")),
                body.path("parallel_tool_calls").asBoolean(true),
                maxTokens == null || maxTokens.isNull() ? null : maxTokens.asInt(),
                body.hasNonNull("temperature") ? body.get("temperature").asDouble() : null,
                body.hasNonNull("top_p") ? body.get("top_p").asDouble() : null,
                body.path("prompt_cache_key").stringValue(null));
        List<String> segments = new ArrayList<>();
        segments.add(request.model() + body.path("tools"));
        body.path("messages").forEach(message -> segments.add(message.toString()));
        return new Call(
                request,
                body.path("stream").asBoolean(false),
                body.path("stream_options").path("include_usage").asBoolean(false),
                segments);
    }

    /** Renders one completion's events as chunks; one instance per completion. */
    static final class Chunks {

        private final String id = "chatcmpl-" + ResponseIds.item("sim").substring(4);
        private final long created = System.currentTimeMillis() / 1000;
        private final String model;
        private int toolIndex = -1;

        Chunks(String model) {
            this.model = model;
        }

        ObjectNode role() {
            return chunk(NODES.objectNode().put("role", "assistant").put("content", ""), null);
        }

        ObjectNode on(ModelEvent event) {
            return switch (event) {
                case ModelEvent.TextDelta text -> chunk(NODES.objectNode().put("content", text.text()), null);
                case ModelEvent.FunctionCallStart start -> {
                    toolIndex++;
                    ObjectNode call = NODES.objectNode()
                            .put("index", toolIndex)
                            .put("id", start.callId())
                            .put("type", "function");
                    call.set(
                            "function",
                            NODES.objectNode().put("name", start.name()).put("arguments", ""));
                    yield chunk(toolCalls(call), null);
                }
                case ModelEvent.ArgumentsDelta delta ->
                    chunk(
                            toolCalls(NODES.objectNode()
                                    .put("index", toolIndex)
                                    .set("function", NODES.objectNode().put("arguments", delta.delta()))),
                            null);
                case ModelEvent.Finish finish -> chunk(NODES.objectNode(), finishReason(finish.reason()));
            };
        }

        ObjectNode usage(int promptTokens, int cachedTokens, int completionTokens) {
            ObjectNode chunk = base("chat.completion.chunk");
            chunk.set("choices", NODES.arrayNode());
            chunk.set("usage", usageNode(promptTokens, cachedTokens, completionTokens));
            return chunk;
        }

        /** The non-streamed completion of all events. */
        ObjectNode completion(List<ModelEvent> events, int promptTokens, int cachedTokens) {
            StringBuilder text = new StringBuilder();
            ArrayNode calls = NODES.arrayNode();
            ModelEvent.Finish finish = null;
            for (ModelEvent event : events) {
                switch (event) {
                    case ModelEvent.TextDelta delta -> text.append(delta.text());
                    case ModelEvent.FunctionCallStart start -> {
                        toolIndex++;
                        ObjectNode call =
                                NODES.objectNode().put("id", start.callId()).put("type", "function");
                        call.set(
                                "function",
                                NODES.objectNode().put("name", start.name()).put("arguments", ""));
                        calls.add(call);
                    }
                    case ModelEvent.ArgumentsDelta delta -> {
                        ObjectNode function =
                                (ObjectNode) calls.get(calls.size() - 1).path("function");
                        function.put("arguments", function.path("arguments").asString() + delta.delta());
                    }
                    case ModelEvent.Finish done -> finish = done;
                }
            }
            ObjectNode message = NODES.objectNode().put("role", "assistant");
            if (text.isEmpty() && !calls.isEmpty()) {
                message.putNull("content");
            } else {
                message.put("content", text.toString());
            }
            if (!calls.isEmpty()) {
                message.set("tool_calls", calls);
            }
            ObjectNode choice = NODES.objectNode().put("index", 0);
            choice.set("message", message);
            choice.put("finish_reason", finishReason(finish == null ? FinishReason.STOP : finish.reason()));
            ObjectNode completion = base("chat.completion");
            completion.set("choices", NODES.arrayNode().add(choice));
            int output = finish == null || finish.usage() == null
                    ? 0
                    : finish.usage().outputTokens();
            completion.set("usage", usageNode(promptTokens, cachedTokens, output));
            return completion;
        }

        private String finishReason(FinishReason reason) {
            return switch (reason) {
                case STOP -> toolIndex >= 0 ? "tool_calls" : "stop";
                case LENGTH -> "length";
                case CONTENT_FILTER -> "content_filter";
            };
        }

        private static ObjectNode toolCalls(ObjectNode call) {
            return NODES.objectNode().set("tool_calls", NODES.arrayNode().add(call));
        }

        private ObjectNode chunk(ObjectNode delta, @Nullable String finishReason) {
            ObjectNode choice = NODES.objectNode().put("index", 0);
            choice.set("delta", delta);
            choice.putNull("logprobs");
            choice.put("finish_reason", finishReason);
            ObjectNode chunk = base("chat.completion.chunk");
            chunk.set("choices", NODES.arrayNode().add(choice));
            return chunk;
        }

        private ObjectNode base(String object) {
            return NODES.objectNode()
                    .put("id", id)
                    .put("object", object)
                    .put("created", created)
                    .put("model", model)
                    .putNull("system_fingerprint");
        }

        private static ObjectNode usageNode(int prompt, int cached, int completion) {
            ObjectNode usage = NODES.objectNode()
                    .put("prompt_tokens", prompt)
                    .put("completion_tokens", completion)
                    .put("total_tokens", prompt + completion);
            usage.set("prompt_tokens_details", NODES.objectNode().put("cached_tokens", cached));
            return usage;
        }
    }
}
