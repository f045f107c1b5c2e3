package dev.hotloop.protocol.chat;

import dev.hotloop.protocol.error.ApiException;
import dev.hotloop.protocol.error.ErrorCodes;
import dev.hotloop.protocol.id.ResponseIds;
import dev.hotloop.protocol.item.FunctionCallItem;
import dev.hotloop.protocol.item.FunctionCallOutputItem;
import dev.hotloop.protocol.item.Item;
import dev.hotloop.protocol.item.MessageItem;
import dev.hotloop.protocol.item.PassThroughItem;
import dev.hotloop.protocol.json.ProtocolJson;
import dev.hotloop.protocol.model.Compaction;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Converts a Responses context to OpenAI chat-completions {@code messages} and back.
 *
 * <p>Items to messages, deterministically (the same items always render the same JSON, so an upstream's prefix
 * cache hits on every later turn of a conversation): instructions become a leading {@code system} message;
 * a message keeps its role, a single text part becomes a string content, several parts an array of {@code text},
 * {@code image_url}, {@code file} and {@code input_audio} parts; {@code refusal} parts become the assistant's
 * {@code refusal}. Function calls become {@code tool_calls} of an assistant message: of the assistant message right
 * before them when it has content, else of a new assistant message with empty content. A function call output becomes
 * a {@code tool} message. A hosted {@code shell_call} is a call of the {@code shell} function (arguments: its
 * {@code action}) and its {@code shell_call_output} a {@code tool} message holding the output array as JSON.
 * A {@code compaction} item hotloop made becomes a {@code user} message holding its summary. Every other item type
 * (reasoning, custom tool calls, hosted tool calls, item references, foreign compactions, …) has no chat form and is
 * dropped, as are content parts without one (an {@code input_image} given only by file id,
 * an {@code input_file} given by URL).
 *
 * <p>Messages to items is the inverse: messages, function calls and outputs round-trip with their roles, texts,
 * call ids, names, arguments and outputs, in order (ids and status are new).
 */
public final class ChatMessages {

    private static final JsonNodeFactory NODES = ProtocolJson.nodes();
    static final String COMPACTION_PREFIX = "Summary of the conversation so far:\n";

    private ChatMessages() {}

    /** The chat messages of a context, led by the instructions as a system message when there are any. */
    public static ArrayNode toChat(@Nullable String instructions, List<Item> items) {
        ArrayNode messages = NODES.arrayNode();
        if (instructions != null && !instructions.isEmpty()) {
            messages.add(system(instructions));
        }
        Converter converter = new Converter(messages::add, null);
        items.forEach(converter::add);
        converter.flush();
        return messages;
    }

    /** The {@code system} message instructions become. */
    public static ObjectNode system(String instructions) {
        return NODES.objectNode().put("role", "system").put("content", instructions);
    }

    /**
     * Converts items to chat messages one at a time, as {@link #toChat} does, handing each message on once no later
     * item can change it: so a prefix of a context converts once and each later turn converts only its new items.
     * Only the last message can still change (an assistant message that later function calls join): it is held back
     * as {@link #open()} until a later message closes it or {@link #flush()} hands it on.
     */
    public static final class Converter {

        private final Consumer<ObjectNode> out;
        private @Nullable ObjectNode open;

        /**
         * @param out  gets each message once it is final
         * @param open the held-back message of an earlier conversion, which this converter changes: pass a copy
         */
        public Converter(Consumer<ObjectNode> out, @Nullable ObjectNode open) {
            this.out = out;
            this.open = open;
        }

        /** The assistant message later calls would join, not handed on yet; null when there is none. */
        public @Nullable ObjectNode open() {
            return open;
        }

        public void add(Item item) {
            switch (item) {
                case MessageItem message -> {
                    flush();
                    ObjectNode chat = message(message);
                    if ("assistant".equals(message.role()) && canCarryCalls(chat)) {
                        open = chat;
                    } else {
                        out.accept(chat);
                    }
                }
                case FunctionCallItem call -> withCall(call.callId(), call.name(), call.arguments());
                case FunctionCallOutputItem output -> {
                    flush();
                    out.accept(toolMessage(
                            output.callId(), toolContent(output.json().path("output"))));
                }
                case PassThroughItem other -> {
                    String callId = other.json().path("call_id").asString("");
                    if ("shell_call".equals(other.type()) && !callId.isEmpty()) {
                        withCall(
                                callId,
                                ChatTools.SHELL,
                                ProtocolJson.mapper()
                                        .writeValueAsString(other.json().path("action")));
                    } else if ("shell_call_output".equals(other.type()) && !callId.isEmpty()) {
                        flush();
                        out.accept(toolMessage(
                                callId,
                                NODES.stringNode(ProtocolJson.mapper()
                                        .writeValueAsString(other.json().path("output")))));
                    } else {
                        // the summary stands for everything before it: without it a chat model would see nothing
                        Optional<String> summary = Compaction.summaryOf(other);
                        if (summary.isPresent()) {
                            flush();
                            out.accept(NODES.objectNode()
                                    .put("role", "user")
                                    .put("content", COMPACTION_PREFIX + summary.get()));
                        }
                    }
                    // other pass-through items have no chat form: dropped, and they leave an open assistant open
                }
            }
        }

        /** Hands on the held-back message, if any. */
        public void flush() {
            if (open != null) {
                out.accept(open);
                open = null;
            }
        }

        private void withCall(String callId, String name, String arguments) {
            if (open == null) {
                // empty content rather than null: many chat templates cannot render a null content
                open = NODES.objectNode().put("role", "assistant").put("content", "");
            }
            ObjectNode function = NODES.objectNode().put("name", name).put("arguments", arguments);
            open.withArray("tool_calls")
                    .add(NODES.objectNode()
                            .put("id", callId)
                            .put("type", "function")
                            .set("function", function));
        }
    }

    /**
     * The items of chat {@code messages}; a 400 {@link ApiException} naming the field when they are malformed.
     * Legacy {@code function} messages and {@code function_call} fields are not read.
     */
    public static List<Item> fromChat(JsonNode messages) {
        if (messages == null || !messages.isArray()) {
            throw ApiException.invalidRequest("messages", ErrorCodes.INVALID_TYPE, "'messages' must be an array.");
        }
        List<Item> items = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            JsonNode message = messages.get(i);
            String path = "messages[" + i + "]";
            if (!message.isObject()) {
                throw ApiException.invalidRequest(path, ErrorCodes.INVALID_TYPE, "'" + path + "' must be an object.");
            }
            String role = message.path("role").asString("");
            switch (role) {
                case "system", "developer", "user" ->
                    items.add(messageItem(role, parts(message.get("content"), "input_text", path)));
                case "assistant" -> assistantItems(message, path, items);
                case "tool" -> items.add(outputItem(message, path));
                default ->
                    throw ApiException.invalidRequest(
                            path + ".role",
                            ErrorCodes.INVALID_VALUE,
                            "Invalid value for '" + path + ".role': '" + role + "'. Supported values are: 'system', "
                                    + "'developer', 'user', 'assistant' and 'tool'.");
            }
        }
        return items;
    }

    private static ObjectNode message(MessageItem message) {
        ObjectNode chat = NODES.objectNode().put("role", message.role());
        List<ObjectNode> parts = new ArrayList<>();
        StringBuilder refusal = null;
        for (JsonNode part : message.json().path("content")) {
            String type = part.path("type").asString("");
            switch (type) {
                case "refusal" ->
                    refusal = (refusal == null ? new StringBuilder() : refusal)
                            .append(part.path("refusal").asString(""));
                case "input_image" -> {
                    String url = part.path("image_url").stringValue(null);
                    if (url != null) {
                        ObjectNode image = NODES.objectNode().put("url", url);
                        if (part.path("detail").isString()) {
                            image.put("detail", part.path("detail").stringValue());
                        }
                        parts.add(NODES.objectNode().put("type", "image_url").set("image_url", image));
                    }
                }
                case "input_file" -> {
                    ObjectNode file = NODES.objectNode();
                    for (String field : List.of("file_id", "file_data", "filename")) {
                        if (part.path(field).isString()) {
                            file.put(field, part.path(field).stringValue());
                        }
                    }
                    if (file.has("file_id") || file.has("file_data")) {
                        parts.add(NODES.objectNode().put("type", "file").set("file", file));
                    }
                }
                case "input_audio" ->
                    parts.add(NODES.objectNode()
                            .put("type", "input_audio")
                            .set("input_audio", part.path("input_audio").deepCopy()));
                default -> {
                    if (part.path("text").isString()) {
                        parts.add(NODES.objectNode()
                                .put("type", "text")
                                .put("text", part.path("text").stringValue()));
                    }
                }
            }
        }
        if (parts.size() == 1 && "text".equals(parts.getFirst().path("type").stringValue())) {
            chat.put("content", parts.getFirst().path("text").stringValue());
        } else if (parts.isEmpty()) {
            chat.put("content", "");
        } else {
            chat.set("content", NODES.arrayNode().addAll(parts));
        }
        if (refusal != null) {
            chat.put("refusal", refusal.toString());
        }
        return chat;
    }

    /** Whether calls may join this assistant message: only when it still reads back as a message of its own. */
    private static boolean canCarryCalls(ObjectNode assistant) {
        return hasContent(assistant.get("content")) || assistant.path("refusal").isString();
    }

    private static boolean hasContent(JsonNode content) {
        return content != null
                && ((content.isString() && !content.stringValue().isEmpty())
                        || (content.isArray() && !content.isEmpty()));
    }

    private static ObjectNode toolMessage(String callId, JsonNode content) {
        ObjectNode tool = NODES.objectNode().put("role", "tool").put("tool_call_id", callId);
        tool.set("content", content);
        return tool;
    }

    /** A string output stays a string; an array of parts keeps its text parts. */
    private static JsonNode toolContent(JsonNode output) {
        if (output.isString()) {
            return output;
        }
        ArrayNode parts = NODES.arrayNode();
        for (JsonNode part : output) {
            if (part.path("text").isString()) {
                parts.add(NODES.objectNode()
                        .put("type", "text")
                        .put("text", part.path("text").stringValue()));
            }
        }
        return parts;
    }

    private static void assistantItems(JsonNode message, String path, List<Item> items) {
        JsonNode calls = message.path("tool_calls");
        JsonNode content = message.get("content");
        boolean refused = message.path("refusal").isString();
        if (calls.isEmpty() || hasContent(content) || refused) {
            ArrayNode parts = parts(content, "output_text", path);
            if (refused) {
                parts.add(NODES.objectNode()
                        .put("type", "refusal")
                        .put("refusal", message.path("refusal").stringValue()));
            }
            items.add(messageItem("assistant", parts));
        }
        for (int i = 0; i < calls.size(); i++) {
            JsonNode call = calls.get(i);
            String callPath = path + ".tool_calls[" + i + "]";
            String callId = required(call, "id", callPath);
            String name = required(call.path("function"), "name", callPath + ".function");
            String arguments = call.path("function").path("arguments").asString("");
            items.add(FunctionCallItem.of(ResponseIds.item("fc"), callId, name, arguments, "completed"));
        }
    }

    private static Item outputItem(JsonNode message, String path) {
        ObjectNode json = NODES.objectNode();
        json.put("type", "function_call_output");
        json.put("id", ResponseIds.item("fco"));
        json.put("status", "completed");
        json.put("call_id", required(message, "tool_call_id", path));
        JsonNode content = message.get("content");
        if (content != null && content.isArray()) {
            ArrayNode parts = NODES.arrayNode();
            for (JsonNode part : content) {
                parts.add(NODES.objectNode()
                        .put("type", "input_text")
                        .put("text", part.path("text").asString("")));
            }
            json.set("output", parts);
        } else {
            json.put("output", content == null || content.isNull() ? "" : content.asString(""));
        }
        return Item.of(json);
    }

    private static MessageItem messageItem(String role, ArrayNode parts) {
        ObjectNode json = NODES.objectNode();
        json.put("type", "message");
        json.put("id", ResponseIds.item("msg"));
        json.put("status", "completed");
        json.put("role", role);
        json.set("content", parts);
        return new MessageItem(json);
    }

    /** Content (string, parts array or null) as Responses content parts; text becomes {@code textType} parts. */
    private static ArrayNode parts(JsonNode content, String textType, String path) {
        ArrayNode parts = NODES.arrayNode();
        if (content == null || content.isNull()) {
            return parts;
        }
        if (content.isString()) {
            return parts.add(textPart(textType, content.stringValue()));
        }
        if (!content.isArray()) {
            throw ApiException.invalidRequest(
                    path + ".content",
                    ErrorCodes.INVALID_TYPE,
                    "'" + path + ".content' must be a string or an array of content parts.");
        }
        for (JsonNode part : content) {
            switch (part.path("type").asString("")) {
                case "text" -> parts.add(textPart(textType, part.path("text").asString("")));
                case "refusal" ->
                    parts.add(NODES.objectNode()
                            .put("type", "refusal")
                            .put("refusal", part.path("refusal").asString("")));
                case "image_url" -> {
                    ObjectNode image = NODES.objectNode()
                            .put("type", "input_image")
                            .put("image_url", part.path("image_url").path("url").asString(""));
                    image.put("detail", part.path("image_url").path("detail").asString("auto"));
                    parts.add(image);
                }
                case "file" -> {
                    ObjectNode file = NODES.objectNode().put("type", "input_file");
                    part.path("file").forEachEntry(file::set);
                    parts.add(file);
                }
                case "input_audio" ->
                    parts.add(NODES.objectNode()
                            .put("type", "input_audio")
                            .set("input_audio", part.path("input_audio").deepCopy()));
                default -> {
                    // a part type this server does not know: nothing a simulated model could read from it
                }
            }
        }
        return parts;
    }

    private static ObjectNode textPart(String type, String text) {
        return "output_text".equals(type)
                ? MessageItem.outputText(text)
                : NODES.objectNode().put("type", type).put("text", text);
    }

    private static String required(JsonNode object, String field, String path) {
        String value = object.path(field).stringValue(null);
        if (value == null) {
            throw ApiException.missingParameter(path + "." + field);
        }
        return value;
    }
}
