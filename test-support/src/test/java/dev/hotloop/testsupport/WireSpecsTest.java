package dev.hotloop.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hotloop.testsupport.WireSpecs.Spec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class WireSpecsTest {

    private final WireSpecs specs = WireSpecs.get();

    @AfterEach
    void forgetViolations() {
        specs.takeViolations();
    }

    @Test
    void findsBodySchemasByOperation() {
        assertThat(specs.httpBodySchema(Spec.OPENAI, "POST", "/v1/responses", 200))
                .contains("/paths/~1responses/post/responses/200/content/application~1json/schema");
        assertThat(specs.httpBodySchema(Spec.OPENAI, "GET", "/v1/responses/resp_1/input_items?limit=2", 200))
                .contains(
                        "/paths/~1responses~1{response_id}~1input_items/get/responses/200/content/application~1json/schema");
        assertThat(specs.httpBodySchema(Spec.OPENAI, "POST", "/v1/responses/input_tokens", 200))
                .contains("/paths/~1responses~1input_tokens/post/responses/200/content/application~1json/schema");
        assertThat(specs.httpBodySchema(Spec.OPENRESPONSES, "POST", "/v1/responses", 200))
                .isPresent();
        assertThat(specs.httpBodySchema(Spec.OPENRESPONSES, "GET", "/v1/models", 200))
                .isEmpty();
        assertThat(specs.httpBodySchema(Spec.OPENAI, "GET", "/v1/models", 404))
                .contains("/components/schemas/ErrorResponse");
    }

    @Test
    void rejectsABodyMissingARequiredField() {
        JsonNode body = json("{\"object\":\"response.input_tokens\"}");
        assertThatThrownBy(() -> specs.checkHttpBody("POST", "/v1/responses/input_tokens", 200, body))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("input_tokens");
        assertThat(specs.takeViolations()).hasSize(1);
        specs.checkHttpBody(
                "POST",
                "/v1/responses/input_tokens",
                200,
                json("{\"object\":\"response.input_tokens\",\"input_tokens\":3}"));
    }

    @Test
    void picksTheEventSchemaByType() {
        assertThat(specs.eventTypes(Spec.OPENAI)).contains("response.output_text.delta", "error");
        assertThat(specs.eventTypes(Spec.OPENRESPONSES)).contains("response.output_text.delta", "error");
        assertThatThrownBy(() -> specs.checkEvent(json("{\"type\":\"response.output_text.delta\"}")))
                .hasMessageContaining("OPENAI")
                .hasMessageContaining("OPENRESPONSES");
        assertThatThrownBy(() -> specs.checkEvent(json("{\"type\":\"response.made_up\"}")))
                .hasMessageContaining("no event type");
    }

    private static JsonNode json(String text) {
        return JsonMapper.shared().readTree(text);
    }
}
