package dev.hotloop.simulator.reply;

import dev.hotloop.protocol.json.ProtocolJson;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Builds deterministic arguments from a function's JSON Schema, as a careful model fills them: the {@code required}
 * properties of every object and no others (a client reads an absent option as its default, and a placeholder there
 * changes what the call does), the {@code const} or first {@code enum} value where given, else a string that fits its
 * {@code format} and length bounds, {@code 1} for an {@code integer} and for a {@code number} alike (moved into its
 * bounds; a client that counts with integers rejects {@code 1.0}, and a fraction only where no integer fits),
 * {@code true}, one-item arrays, {@code null}. Unions ({@code type} lists, {@code anyOf}, {@code oneOf}) take their
 * first non-null alternative.
 */
public final class ArgumentsGenerator {

    private static final JsonNodeFactory NODES = ProtocolJson.nodes();

    /** A value of each string {@code format} of JSON Schema 2020-12 that clients check. */
    private static final Map<String, String> FORMATTED = Map.ofEntries(
            Map.entry("date-time", "2026-01-01T00:00:00Z"),
            Map.entry("date", "2026-01-01"),
            Map.entry("time", "00:00:00Z"),
            Map.entry("duration", "PT1S"),
            Map.entry("email", "user@example.com"),
            Map.entry("idn-email", "user@example.com"),
            Map.entry("hostname", "example.com"),
            Map.entry("idn-hostname", "example.com"),
            Map.entry("ipv4", "192.0.2.1"),
            Map.entry("ipv6", "2001:db8::1"),
            Map.entry("uri", "https://example.com/"),
            Map.entry("uri-reference", "https://example.com/"),
            Map.entry("iri", "https://example.com/"),
            Map.entry("iri-reference", "https://example.com/"),
            Map.entry("url", "https://example.com/"),
            Map.entry("uuid", "00000000-0000-4000-8000-000000000000"),
            Map.entry("json-pointer", "/example"),
            Map.entry("relative-json-pointer", "0"),
            Map.entry("regex", "example"));

    private ArgumentsGenerator() {}

    /** Compact JSON arguments for a {@code parameters} schema; {@code {}} when the schema is missing or requires nothing. */
    public static String argumentsFor(JsonNode parameters) {
        return ProtocolJson.mapper().writeValueAsString(objectFor(parameters));
    }

    private static ObjectNode objectFor(JsonNode schema) {
        Set<String> required = new HashSet<>();
        schema.path("required").forEach(name -> required.add(name.asString("")));
        ObjectNode object = NODES.objectNode();
        for (Map.Entry<String, JsonNode> property : schema.path("properties").properties()) {
            if (required.contains(property.getKey())) {
                object.set(property.getKey(), valueFor(property.getValue()));
            }
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
            case "integer", "number" -> numberFor(schema);
            case "boolean" -> NODES.booleanNode(true);
            case "null" -> NODES.nullNode();
            default -> NODES.stringNode(stringFor(schema));
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

    private static String stringFor(JsonNode schema) {
        String value = FORMATTED.getOrDefault(schema.path("format").asString(""), "example");
        int minLength = schema.path("minLength").asInt(0);
        int maxLength = schema.path("maxLength").asInt(Integer.MAX_VALUE);
        if (value.length() < minLength) {
            value = value + "x".repeat(minLength - value.length());
        }
        return value.length() > maxLength ? value.substring(0, maxLength) : value;
    }

    /** 1 moved into the bounds, as an integer whenever one fits them. */
    private static JsonNode numberFor(JsonNode schema) {
        double minimum = schema.path("minimum").asDouble(Double.NEGATIVE_INFINITY);
        double maximum = schema.path("maximum").asDouble(Double.POSITIVE_INFINITY);
        long lowest = (long) Math.max(Math.ceil(minimum), Long.MIN_VALUE / 2);
        long highest = (long) Math.min(Math.floor(maximum), Long.MAX_VALUE / 2);
        if (schema.path("exclusiveMinimum").isNumber()) {
            lowest = Math.max(
                    lowest, (long) Math.floor(schema.path("exclusiveMinimum").asDouble()) + 1);
        }
        if (schema.path("exclusiveMaximum").isNumber()) {
            highest = Math.min(
                    highest, (long) Math.ceil(schema.path("exclusiveMaximum").asDouble()) - 1);
        }
        if (lowest <= highest) {
            return NODES.numberNode(Math.min(Math.max(1, lowest), highest));
        }
        // no integer fits (only a number's bounds can be that narrow): the middle of the range
        double low = schema.path("exclusiveMinimum").isNumber()
                ? schema.path("exclusiveMinimum").asDouble()
                : minimum;
        double high = schema.path("exclusiveMaximum").isNumber()
                ? schema.path("exclusiveMaximum").asDouble()
                : maximum;
        return NODES.numberNode((low + high) / 2);
    }
}
