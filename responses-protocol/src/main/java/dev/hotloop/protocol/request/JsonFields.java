package dev.hotloop.protocol.request;

import dev.hotloop.protocol.error.ApiException;
import dev.hotloop.protocol.error.ErrorCodes;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/** Typed reads of one JSON object's fields, failing with OpenAI's wording and the field's full path as {@code param}. */
record JsonFields(JsonNode object, String path) {

    static JsonFields of(JsonNode object, String path) {
        if (!object.isObject()) {
            throw ApiException.invalidType(path.isEmpty() ? "body" : path, "an object", describe(object));
        }
        return new JsonFields(object, path);
    }

    String param(String field) {
        return path.isEmpty() ? field : path + "." + field;
    }

    /** The field's node, or null when absent or JSON null (OpenAI treats both as "not given"). */
    @Nullable
    JsonNode node(String field) {
        JsonNode value = object.get(field);
        return value == null || value.isNull() ? null : value;
    }

    @Nullable
    String string(String field) {
        JsonNode value = node(field);
        if (value == null) {
            return null;
        }
        if (!value.isString()) {
            throw ApiException.invalidType(param(field), "a string", describe(value));
        }
        return value.stringValue();
    }

    String requiredString(String field) {
        String value = string(field);
        if (value == null) {
            throw ApiException.missingParameter(param(field));
        }
        return value;
    }

    @Nullable
    Boolean bool(String field) {
        JsonNode value = node(field);
        if (value == null) {
            return null;
        }
        if (!value.isBoolean()) {
            throw ApiException.invalidType(param(field), "a boolean", describe(value));
        }
        return value.booleanValue();
    }

    @Nullable
    Integer integer(String field, int minimum) {
        JsonNode value = node(field);
        if (value == null) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw ApiException.invalidType(param(field), "an integer", describe(value));
        }
        if (value.intValue() < minimum) {
            throw ApiException.invalidRequest(
                    param(field),
                    ErrorCodes.INTEGER_BELOW_MIN_VALUE,
                    "Invalid '" + param(field)
                            + "': integer below minimum value. Expected a value >= " + minimum + ", but got "
                            + value.intValue() + " instead.");
        }
        return value.intValue();
    }

    @Nullable
    Double decimal(String field, double minimum, double maximum) {
        JsonNode value = node(field);
        if (value == null) {
            return null;
        }
        if (!value.isNumber()) {
            throw ApiException.invalidType(param(field), "a decimal", describe(value));
        }
        double number = value.doubleValue();
        if (number < minimum || number > maximum) {
            throw ApiException.invalidRequest(
                    param(field),
                    ErrorCodes.DECIMAL_OUT_OF_RANGE,
                    "Invalid '" + param(field) + "': expected a value between " + minimum + " and " + maximum
                            + ", but got " + number + " instead.");
        }
        return number;
    }

    @Nullable
    JsonNode objectNode(String field) {
        JsonNode value = node(field);
        if (value != null && !value.isObject()) {
            throw ApiException.invalidType(param(field), "an object", describe(value));
        }
        return value;
    }

    @Nullable
    JsonNode array(String field) {
        JsonNode value = node(field);
        if (value != null && !value.isArray()) {
            throw ApiException.invalidType(param(field), "an array", describe(value));
        }
        return value;
    }

    static String describe(@Nullable JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return "null";
        }
        if (value.isString()) {
            return "a string";
        }
        if (value.isBoolean()) {
            return "a boolean";
        }
        if (value.isIntegralNumber()) {
            return "an integer";
        }
        if (value.isNumber()) {
            return "a decimal";
        }
        if (value.isArray()) {
            return "an array";
        }
        return "an object";
    }
}
