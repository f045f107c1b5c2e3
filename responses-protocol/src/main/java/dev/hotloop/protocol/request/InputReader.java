package dev.hotloop.protocol.request;

import dev.hotloop.protocol.error.ApiException;
import dev.hotloop.protocol.id.ResponseIds;
import dev.hotloop.protocol.item.FunctionCallItem;
import dev.hotloop.protocol.item.FunctionCallOutputItem;
import dev.hotloop.protocol.item.Item;
import dev.hotloop.protocol.item.ItemTypes;
import dev.hotloop.protocol.item.MessageItem;
import dev.hotloop.protocol.item.PassThroughItem;
import dev.hotloop.protocol.json.ProtocolJson;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads {@code input} (a string or an item list) into validated, normalized items: short-hand messages get
 * {@code type}, an id and content parts, as OpenAI stores them; every other field is kept as sent.
 */
public final class InputReader {

    private InputReader() {}

    public static List<Item> read(@Nullable JsonNode input) {
        if (input == null) {
            return List.of();
        }
        if (input.isString()) {
            return List.of(userText(input.stringValue()));
        }
        if (!input.isArray()) {
            throw ApiException.invalidType("input", "a string or an array", JsonFields.describe(input));
        }
        List<Item> items = new ArrayList<>(input.size());
        for (int i = 0; i < input.size(); i++) {
            items.add(readItem(input.get(i), "input[" + i + "]"));
        }
        return items;
    }

    /** A plain user message holding {@code text}. */
    public static MessageItem userText(String text) {
        ObjectNode part =
                ProtocolJson.nodes().objectNode().put("type", "input_text").put("text", text);
        ObjectNode json = ProtocolJson.nodes().objectNode();
        json.put("type", "message");
        json.put("id", ResponseIds.item("msg"));
        json.put("status", "completed");
        json.put("role", "user");
        json.set("content", ProtocolJson.nodes().arrayNode().add(part));
        return new MessageItem(json);
    }

    static Item readItem(JsonNode node, String path) {
        JsonFields fields = JsonFields.of(node, path);
        String type = fields.string("type");
        if (type == null) {
            if (fields.node("role") == null) {
                throw ApiException.missingParameter(fields.param("type"));
            }
            type = "message";
        }
        return switch (type) {
            case "message" -> message(fields);
            case "function_call" -> functionCall(fields);
            case "function_call_output" -> functionCallOutput(fields);
            default -> {
                if (!ItemTypes.ITEMS.contains(type)) {
                    throw ApiException.invalidValue(
                            fields.param("type"),
                            type,
                            ItemTypes.ITEMS.stream().sorted().toList());
                }
                yield new PassThroughItem((ObjectNode) node);
            }
        };
    }

    private static MessageItem message(JsonFields fields) {
        String role = fields.requiredString("role");
        if (!ItemTypes.ROLES.contains(role)) {
            throw ApiException.invalidValue(
                    fields.param("role"),
                    role,
                    ItemTypes.ROLES.stream().sorted().toList());
        }
        JsonNode content = fields.node("content");
        if (content == null) {
            throw ApiException.missingParameter(fields.param("content"));
        }
        ArrayNode parts;
        if (content.isString()) {
            String partType = "assistant".equals(role) ? "output_text" : "input_text";
            parts = ProtocolJson.nodes()
                    .arrayNode()
                    .add(
                            "output_text".equals(partType)
                                    ? MessageItem.outputText(content.stringValue())
                                    : ProtocolJson.nodes()
                                            .objectNode()
                                            .put("type", partType)
                                            .put("text", content.stringValue()));
        } else if (content.isArray()) {
            parts = (ArrayNode) content;
            for (int i = 0; i < parts.size(); i++) {
                checkPart(parts.get(i), fields.param("content") + "[" + i + "]");
            }
        } else {
            throw ApiException.invalidType(
                    fields.param("content"), "a string or an array", JsonFields.describe(content));
        }
        ObjectNode json = withTypeAndId((ObjectNode) fields.object(), "message", "msg");
        json.set("content", parts);
        return new MessageItem(json);
    }

    private static void checkPart(JsonNode part, String path) {
        JsonFields fields = JsonFields.of(part, path);
        String type = fields.requiredString("type");
        if (!ItemTypes.CONTENT_PARTS.contains(type)) {
            throw ApiException.invalidValue(
                    fields.param("type"),
                    type,
                    ItemTypes.CONTENT_PARTS.stream().sorted().toList());
        }
        if (type.endsWith("text")) {
            fields.requiredString("text");
        }
    }

    private static FunctionCallItem functionCall(JsonFields fields) {
        fields.requiredString("call_id");
        fields.requiredString("name");
        fields.requiredString("arguments");
        return new FunctionCallItem(withTypeAndId((ObjectNode) fields.object(), "function_call", "fc"));
    }

    private static FunctionCallOutputItem functionCallOutput(JsonFields fields) {
        fields.requiredString("call_id");
        JsonNode output = fields.node("output");
        if (output == null) {
            throw ApiException.missingParameter(fields.param("output"));
        }
        if (!output.isString() && !output.isArray()) {
            throw ApiException.invalidType(fields.param("output"), "a string or an array", JsonFields.describe(output));
        }
        return new FunctionCallOutputItem(withTypeAndId((ObjectNode) fields.object(), "function_call_output", "fco"));
    }

    /**
     * A copy carrying {@code type}, an id and a status, as OpenAI stores input items (ids and status are
     * generated when the client sent none); every other field is kept as sent.
     */
    private static ObjectNode withTypeAndId(ObjectNode sent, String type, String idPrefix) {
        ObjectNode json = ProtocolJson.nodes().objectNode();
        json.put("type", type);
        String id = sent.path("id").stringValue(null);
        json.put("id", id != null ? id : ResponseIds.item(idPrefix));
        sent.forEachEntry((name, value) -> {
            if (!"type".equals(name) && !"id".equals(name)) {
                json.set(name, value);
            }
        });
        if (!json.has("status")) {
            json.put("status", "completed");
        }
        return json;
    }
}
