package dev.hotloop.simulator.reply;

import dev.hotloop.protocol.json.ProtocolJson;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Builds deterministic example arguments from a function's JSON Schema: every property of every object, the
 * first {@code enum} or the {@code const} value where given, else {@code "example"}, {@code 1} or {@code 1.0}
 * (moved into {@code minimum}..{@code maximum}), {@code true}, one-item arrays, {@code null}.
 * Unions ({@code type} lists, {@code anyOf}, {@code oneOf}) take their first non-null alternative.
 */
public final class ArgumentsGenerator {

    private static final JsonNodeFactory NODES = ProtocolJson.nodes();

    private ArgumentsGenerator() {}

    /** Compact JSON arguments for a {@code parameters} schema; {@code {}} when the schema is missing or has no properties. */
    public static String argumentsFor(JsonNode parameters) {
        return ProtocolJson.mapper().writeValueAsString(objectFor(parameters));
    }

    private static ObjectNode objectFor(JsonNode schema) {
        ObjectNode object = NODES.objectNode();
        for (Map.Entry<String, JsonNode> property : schema.path("properties").properties()) {
            object.set(property.getKey(), valueFor(property.getValue()));
        }
        return object;
    }

    private static JsonNode valueFor(JsonNode schema) {
        if (schema.has("const")) {
            return schema.get("const").deepCopy();
        }
        if (schema.path("enum").isArray() && !schema.path("enum").isEmpty()) {
            return schema.path("enum").get(0).deepCopy();
        }
        JsonNode alternatives = schema.has("anyOf") ? schema.path("anyOf") : schema.path("oneOf");
        if (!alternatives.isEmpty()) {
            return valueFor(firstNonNull(alternatives));
        }
        return switch (typeOf(schema)) {
            case "object" -> objectFor(schema);
            case "array" -> NODES.arrayNode().add(valueFor(schema.path("items")));
            case "integer" -> NODES.numberNode((long) bounded(schema, true));
            case "number" -> NODES.numberNode(bounded(schema, false));
            case "boolean" -> NODES.booleanNode(true);
            case "null" -> NODES.nullNode();
            default -> NODES.stringNode("example");
        };
    }

    private static String typeOf(JsonNode schema) {
        JsonNode type = schema.path("type");
        if (type.isArray()) {
            return firstNonNull(type).asString("");
        }
        if (type.isString()) {
            return type.stringValue();
        }
        // untyped schemas still say what they are by their keywords
        return schema.has("properties") ? "object" : schema.has("items") ? "array" : "string";
    }

    private static JsonNode firstNonNull(JsonNode alternatives) {
        for (JsonNode alternative : alternatives) {
            if (!"null".equals(alternative.asString(""))
                    && !"null".equals(alternative.path("type").asString(""))) {
                return alternative;
            }
        }
        return alternatives.get(0);
    }

    private static double bounded(JsonNode schema, boolean integer) {
        double minimum = schema.path("minimum").asDouble(Double.NEGATIVE_INFINITY);
        double maximum = schema.path("maximum").asDouble(Double.POSITIVE_INFINITY);
        if (integer) {
            minimum = Math.ceil(minimum);
            maximum = Math.floor(maximum);
        }
        return Math.min(Math.max(1, minimum), maximum);
    }
}
