package dev.hotloop.toolrunner.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hotloop.protocol.error.ApiException;
import dev.hotloop.protocol.json.ProtocolJson;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class JsonSchemaTest {

    private static final JsonSchema SCHEMA = JsonSchema.of(json("""
            {"type": "object",
             "properties": {
               "name": {"type": "string", "minLength": 1, "maxLength": 5, "pattern": "^[a-z]+$"},
               "count": {"type": "integer", "minimum": 1, "maximum": 10},
               "ratio": {"type": ["number", "null"]},
               "mode": {"enum": ["fast", "slow"]},
               "tags": {"type": "array", "maxItems": 2, "items": {"type": "string"}},
               "nested": {"type": "object", "properties": {"flag": {"type": "boolean"}}, "required": ["flag"]}
             },
             "required": ["name"],
             "additionalProperties": false}"""), "schema");

    @Test
    void validArgumentsPass() {
        assertThatCode(() -> SCHEMA.validate(json("""
                {"name": "abc", "count": 3, "ratio": null, "mode": "slow", "tags": ["x"], "nested": {"flag": true}}"""), "arguments")).doesNotThrowAnyException();
        assertThatCode(() -> SCHEMA.validate(json("{\"name\": \"a\", \"count\": 2.0}"), "arguments"))
                .doesNotThrowAnyException();
    }

    @Test
    void eachViolationNamesItsField() {
        assertRefused("{}", "arguments.name", "missing_required_parameter");
        assertRefused("{\"name\": 1}", "arguments.name", "invalid_type");
        assertRefused("{\"name\": \"\"}", "arguments.name", "invalid_value");
        assertRefused("{\"name\": \"abcdef\"}", "arguments.name", "invalid_value");
        assertRefused("{\"name\": \"AB\"}", "arguments.name", "invalid_value");
        assertRefused("{\"name\": \"a\", \"count\": 1.5}", "arguments.count", "invalid_type");
        assertRefused("{\"name\": \"a\", \"count\": 11}", "arguments.count", "invalid_value");
        assertRefused("{\"name\": \"a\", \"ratio\": \"1\"}", "arguments.ratio", "invalid_type");
        assertRefused("{\"name\": \"a\", \"mode\": \"medium\"}", "arguments.mode", "invalid_value");
        assertRefused("{\"name\": \"a\", \"tags\": [\"x\", 2]}", "arguments.tags[1]", "invalid_type");
        assertRefused("{\"name\": \"a\", \"tags\": [\"x\", \"y\", \"z\"]}", "arguments.tags", "invalid_value");
        assertRefused("{\"name\": \"a\", \"nested\": {}}", "arguments.nested.flag", "missing_required_parameter");
        assertRefused("{\"name\": \"a\", \"extra\": 1}", "arguments.extra", "unknown_parameter");
    }

    @Test
    void unsupportedKeywordsAreRefusedWhenLoading() {
        assertThatThrownBy(() -> JsonSchema.of(
                        json("{\"type\": \"object\", \"properties\": {\"a\": {\"oneOf\": []}}}"), "tool.parameters"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("tool.parameters.properties.a.oneOf: unsupported JSON Schema keyword");
        assertThatThrownBy(() -> JsonSchema.of(json("{\"type\": \"text\"}"), "p"))
                .hasMessageContaining("p.type must be");
        assertThatThrownBy(() -> JsonSchema.of(json("{\"pattern\": \"[\"}"), "p"))
                .hasMessageContaining("invalid regular expression");
        assertThatThrownBy(() -> JsonSchema.of(json("{\"maxLength\": -1}"), "p"))
                .hasMessageContaining("non-negative integer");
    }

    private static void assertRefused(String arguments, String param, String code) {
        assertThatThrownBy(() -> SCHEMA.validate(json(arguments), "arguments"))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.error().param()).isEqualTo(param);
                    assertThat(e.error().code()).isEqualTo(code);
                });
    }

    static JsonNode json(String text) {
        return ProtocolJson.mapper().readTree(text);
    }
}
