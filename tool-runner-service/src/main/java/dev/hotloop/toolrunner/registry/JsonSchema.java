package dev.hotloop.toolrunner.registry;

import dev.hotloop.protocol.error.ApiException;
import dev.hotloop.protocol.error.ErrorCodes;
import java.math.BigDecimal;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * A JSON Schema of the subset that tool parameters need: {@code type} (one or a list), {@code properties},
 * {@code required}, {@code additionalProperties}, {@code enum}, {@code const}, {@code items}, {@code minItems},
 * {@code maxItems}, {@code minLength}, {@code maxLength}, {@code minimum}, {@code maximum}, {@code pattern}, and
 * {@code format: workspace-path}. Any other keyword except annotations ({@code description}, {@code title},
 * {@code default}, {@code examples}, {@code $schema}, {@code $comment}) is refused when the schema is loaded, so a
 * schema never seems to validate more than it does.
 */
final class JsonSchema {

    static final String WORKSPACE_PATH = "workspace-path";
    private static final Set<String> TYPES =
            Set.of("string", "integer", "number", "boolean", "object", "array", "null");
    private static final Set<String> KEYWORDS = Set.of(
            "type",
            "properties",
            "required",
            "additionalProperties",
            "enum",
            "const",
            "items",
            "minItems",
            "maxItems",
            "minLength",
            "maxLength",
            "minimum",
            "maximum",
            "pattern",
            "format",
            "description",
            "title",
            "default",
            "examples",
            "$schema",
            "$comment");

    private final JsonNode schema;

    private JsonSchema(JsonNode schema) {
        this.schema = schema;
    }

    /**
     * @param where names the schema in error messages
     * @throws IllegalArgumentException when the schema is malformed or uses an unsupported keyword
     */
    static JsonSchema of(JsonNode schema, String where) {
        check(schema, where);
        return new JsonSchema(schema);
    }

    JsonNode json() {
        return schema;
    }

    /**
     * Checks a value against the schema.
     *
     * @param path the value's place in the request, such as {@code arguments}; errors name the offending field
     * @throws ApiException 400 naming the first offending field
     */
    void validate(JsonNode value, String path) {
        validate(schema, value, path);
    }

    private static void validate(JsonNode schema, JsonNode value, String path) {
        JsonNode type = schema.get("type");
        if (type != null && !matchesType(type, value)) {
            throw ApiException.invalidType(path, typeNames(type), kind(value));
        }
        JsonNode allowed = schema.get("enum");
        if (allowed != null && !contains(allowed, value)) {
            throw ApiException.invalidRequest(
                    path, ErrorCodes.INVALID_VALUE, "'" + path + "' must be one of " + allowed + ".");
        }
        JsonNode constant = schema.get("const");
        if (constant != null && !constant.equals(value)) {
            throw ApiException.invalidRequest(
                    path, ErrorCodes.INVALID_VALUE, "'" + path + "' must be " + constant + ".");
        }
        if (value.isString()) {
            validateString(schema, value.stringValue(), path);
        } else if (value.isNumber()) {
            validateNumber(schema, value.decimalValue(), path);
        } else if (value.isArray()) {
            validateArray(schema, value, path);
        } else if (value.isObject()) {
            validateObject(schema, value, path);
        }
    }

    private static void validateString(JsonNode schema, String value, String path) {
        int length = value.codePointCount(0, value.length());
        if (schema.has("minLength") && length < schema.get("minLength").intValue()) {
            throw ApiException.invalidRequest(
                    path,
                    ErrorCodes.INVALID_VALUE,
                    "'" + path + "' must have at least "
                            + schema.get("minLength").intValue() + " characters.");
        }
        if (schema.has("maxLength") && length > schema.get("maxLength").intValue()) {
            throw ApiException.invalidRequest(
                    path,
                    ErrorCodes.INVALID_VALUE,
                    "'" + path + "' must have at most "
                            + schema.get("maxLength").intValue() + " characters.");
        }
        if (schema.has("pattern")
                && !Pattern.compile(schema.get("pattern").stringValue())
                        .matcher(value)
                        .find()) {
            throw ApiException.invalidRequest(
                    path,
                    ErrorCodes.INVALID_VALUE,
                    "'" + path + "' must match the pattern "
                            + schema.get("pattern").stringValue() + ".");
        }
    }

    private static void validateNumber(JsonNode schema, BigDecimal value, String path) {
        if (schema.has("minimum") && value.compareTo(schema.get("minimum").decimalValue()) < 0) {
            throw ApiException.invalidRequest(
                    path, ErrorCodes.INVALID_VALUE, "'" + path + "' must be at least " + schema.get("minimum") + ".");
        }
        if (schema.has("maximum") && value.compareTo(schema.get("maximum").decimalValue()) > 0) {
            throw ApiException.invalidRequest(
                    path, ErrorCodes.INVALID_VALUE, "'" + path + "' must be at most " + schema.get("maximum") + ".");
        }
    }

    private static void validateArray(JsonNode schema, JsonNode value, String path) {
        if (schema.has("minItems") && value.size() < schema.get("minItems").intValue()) {
            throw ApiException.invalidRequest(
                    path,
                    ErrorCodes.INVALID_VALUE,
                    "'" + path + "' must have at least "
                            + schema.get("minItems").intValue() + " items.");
        }
        if (schema.has("maxItems") && value.size() > schema.get("maxItems").intValue()) {
            throw ApiException.invalidRequest(
                    path,
                    ErrorCodes.INVALID_VALUE,
                    "'" + path + "' must have at most " + schema.get("maxItems").intValue() + " items.");
        }
        JsonNode items = schema.get("items");
        if (items != null) {
            for (int i = 0; i < value.size(); i++) {
                validate(items, value.get(i), path + "[" + i + "]");
            }
        }
    }

    private static void validateObject(JsonNode schema, JsonNode value, String path) {
        JsonNode required = schema.get("required");
        if (required != null) {
            for (JsonNode name : required) {
                JsonNode present = value.get(name.stringValue());
                if (present == null) {
                    throw ApiException.missingParameter(path + "." + name.stringValue());
                }
            }
        }
        JsonNode properties = schema.get("properties");
        JsonNode additional = schema.get("additionalProperties");
        for (Map.Entry<String, JsonNode> property : value.properties()) {
            String at = path + "." + property.getKey();
            JsonNode propertySchema = properties == null ? null : properties.get(property.getKey());
            if (propertySchema != null) {
                validate(propertySchema, property.getValue(), at);
            } else if (additional != null && additional.isBoolean() && !additional.booleanValue()) {
                throw ApiException.invalidRequest(at, ErrorCodes.UNKNOWN_PARAMETER, "Unknown parameter: '" + at + "'.");
            } else if (additional != null && additional.isObject()) {
                validate(additional, property.getValue(), at);
            }
        }
    }

    private static boolean matchesType(JsonNode type, JsonNode value) {
        if (type.isArray()) {
            for (JsonNode one : type) {
                if (matchesType(one.stringValue(), value)) {
                    return true;
                }
            }
            return false;
        }
        return matchesType(type.stringValue(), value);
    }

    private static boolean matchesType(String type, JsonNode value) {
        return switch (type) {
            case "string" -> value.isString();
            case "integer" -> value.isIntegralNumber() || (value.isNumber() && value.canConvertToExactIntegral());
            case "number" -> value.isNumber();
            case "boolean" -> value.isBoolean();
            case "object" -> value.isObject();
            case "array" -> value.isArray();
            case "null" -> value.isNull();
            default -> false;
        };
    }

    private static boolean contains(JsonNode values, JsonNode value) {
        for (JsonNode candidate : values) {
            if (candidate.equals(value)
                    || (candidate.isNumber()
                            && value.isNumber()
                            && candidate.decimalValue().compareTo(value.decimalValue()) == 0)) {
                return true;
            }
        }
        return false;
    }

    private static String typeNames(JsonNode type) {
        if (!type.isArray()) {
            return type.stringValue();
        }
        StringBuilder names = new StringBuilder();
        for (JsonNode one : type) {
            names.append(names.isEmpty() ? "" : " or ").append(one.stringValue());
        }
        return names.toString();
    }

    private static String kind(JsonNode value) {
        if (value.isString()) {
            return "a string";
        }
        if (value.isIntegralNumber()) {
            return "an integer";
        }
        if (value.isNumber()) {
            return "a decimal number";
        }
        if (value.isBoolean()) {
            return "a boolean";
        }
        if (value.isArray()) {
            return "an array";
        }
        if (value.isObject()) {
            return "an object";
        }
        return "null";
    }

    /** The schema's declared types, or null when it declares none. */
    static @Nullable Set<String> types(JsonNode schema) {
        JsonNode type = schema.get("type");
        if (type == null) {
            return null;
        }
        if (type.isString()) {
            return Set.of(type.stringValue());
        }
        Set<String> types = new HashSet<>();
        type.forEach(one -> types.add(one.stringValue()));
        return types;
    }

    private static void check(JsonNode schema, String where) {
        if (!schema.isObject()) {
            throw new IllegalArgumentException(where + " must be a JSON object");
        }
        for (Map.Entry<String, JsonNode> entry : schema.properties()) {
            String keyword = entry.getKey();
            JsonNode value = entry.getValue();
            String at = where + "." + keyword;
            if (!KEYWORDS.contains(keyword)) {
                throw new IllegalArgumentException(
                        at + ": unsupported JSON Schema keyword (supported: " + KEYWORDS + ")");
            }
            switch (keyword) {
                case "type" -> {
                    boolean valid = value.isString()
                            ? TYPES.contains(value.stringValue())
                            : value.isArray() && !value.isEmpty();
                    if (value.isArray()) {
                        for (JsonNode one : value) {
                            valid &= one.isString() && TYPES.contains(one.stringValue());
                        }
                    }
                    require(valid, at, "a type name or a list of them, from " + TYPES);
                }
                case "properties" -> {
                    require(value.isObject(), at, "an object of schemas");
                    value.properties().forEach(property -> check(property.getValue(), at + "." + property.getKey()));
                }
                case "required" -> {
                    require(value.isArray(), at, "an array of property names");
                    value.forEach(name -> require(name.isString(), at, "an array of property names"));
                }
                case "additionalProperties" -> {
                    require(value.isBoolean() || value.isObject(), at, "a boolean or a schema");
                    if (value.isObject()) {
                        check(value, at);
                    }
                }
                case "enum", "examples" -> require(value.isArray(), at, "an array");
                case "items" -> check(value, at);
                case "minItems", "maxItems", "minLength", "maxLength" ->
                    require(value.canConvertToExactIntegral() && value.intValue() >= 0, at, "a non-negative integer");
                case "minimum", "maximum" -> require(value.isNumber(), at, "a number");
                case "pattern" -> {
                    require(value.isString(), at, "a regular expression");
                    try {
                        Pattern.compile(value.stringValue());
                    } catch (PatternSyntaxException e) {
                        throw new IllegalArgumentException(
                                at + ": invalid regular expression: " + e.getDescription(), e);
                    }
                }
                case "format", "description", "title", "$schema", "$comment" ->
                    require(value.isString(), at, "a string");
                default -> {
                    // const, default: any value
                }
            }
        }
    }

    private static void require(boolean valid, String at, String expected) {
        if (!valid) {
            throw new IllegalArgumentException(at + " must be " + expected);
        }
    }
}
