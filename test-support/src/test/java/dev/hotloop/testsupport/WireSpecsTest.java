package dev.hotloop.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hotloop.testsupport.WireSpecs.Spec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

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

    // Where the specifications disagree hotloop follows OpenAI's; each disagreement, shown to be real:

    @Test
    void theSseErrorEventIsFlatInOpenAisAndNestedInOpenResponses() {
        JsonNode flat = json("{\"type\":\"error\",\"code\":\"server_error\",\"message\":\"m\",\"param\":null,"
                + "\"sequence_number\":0}");

        assertThat(specs.violations(Spec.OPENAI, "/components/schemas/ResponseErrorEvent", flat))
                .isEmpty();
        assertThat(specs.violations(Spec.OPENRESPONSES, "/components/schemas/ErrorStreamingEvent", flat))
                .isNotEmpty();
        specs.checkEvent(flat);
    }

    @Test
    void usageOfAnUnfinishedResponseIsLeftOutAsOpenAisSchemaAllowsAndOpenResponsesForbids() {
        String pointer = "/paths/~1responses/post/responses/200/content/application~1json/schema";
        ObjectNode withoutUsage = response("[]");
        withoutUsage.remove("usage");
        JsonNode nullUsage = response("[]").putNull("usage");

        assertThat(specs.violations(Spec.OPENAI, "/components/schemas/Response", withoutUsage))
                .isEmpty();
        assertThat(specs.violations(Spec.OPENAI, "/components/schemas/Response", nullUsage))
                .isNotEmpty();
        assertThat(specs.violations(Spec.OPENRESPONSES, pointer, withoutUsage)).isNotEmpty();
        specs.checkHttpBody("POST", "/v1/responses", 200, withoutUsage);
    }

    @Test
    void itemsAndToolsOpenResponsesDoesNotDefineAreHeldToOpenAisAlone() {
        String pointer = "/paths/~1responses/post/responses/200/content/application~1json/schema";
        ObjectNode withShell = response("""
                [{"type":"shell_call","id":"sh_1","call_id":"call_1","status":"completed",
                  "action":{"commands":["ls"],"timeout_ms":null,"max_output_length":null},"created_by":"resp_1",
                  "environment":null}]""");
        withShell.set("tools", json("[{\"type\":\"shell\"}]"));

        assertThat(specs.violations(Spec.OPENRESPONSES, pointer, withShell)).isNotEmpty();
        assertThat(specs.violations(Spec.OPENRESPONSES, pointer, specs.asOpenResponsesSees(withShell)))
                .isEmpty();
        assertThatThrownBy(() -> specs.checkHttpBody("POST", "/v1/responses", 200, withShell.put("store", "no")))
                .hasMessageContaining("OPENAI");
    }

    @Test
    void aWebSocketErrorsCodeMayBeNullInOpenAisAndNotInOpenResponses() {
        JsonNode frame = json("{\"type\":\"error\",\"status\":400,\"error\":{\"type\":\"invalid_request_error\","
                + "\"code\":null,\"message\":\"m\",\"param\":null}}");

        assertThat(specs.violations(Spec.OPENAI, "/components/schemas/ResponseWsError", frame))
                .isEmpty();
        assertThat(specs.violations(Spec.OPENRESPONSES, "/components/schemas/WebSocketErrorEvent", frame))
                .isNotEmpty();
        specs.checkWebSocketFrame(frame);
    }

    /** A completed response as hotloop sends it, with {@code output} as given. */
    private static ObjectNode response(String output) {
        ObjectNode response = (ObjectNode) json("""
                {"id":"resp_1","object":"response","created_at":1,"status":"completed","background":false,
                 "completed_at":1,"error":null,"incomplete_details":null,"instructions":null,"max_output_tokens":null,
                 "max_tool_calls":null,"model":"m","output":[],"parallel_tool_calls":true,"presence_penalty":0.0,
                 "frequency_penalty":0.0,"previous_response_id":null,"prompt_cache_key":null,
                 "reasoning":{"effort":null,"summary":null},"safety_identifier":null,"service_tier":"default",
                 "store":true,"temperature":1.0,"text":{"format":{"type":"text"},"verbosity":"medium"},
                 "tool_choice":"auto","tools":[],"top_logprobs":0,"top_p":1.0,"truncation":"disabled",
                 "usage":{"input_tokens":1,"input_tokens_details":{"cached_tokens":0},"output_tokens":1,
                          "output_tokens_details":{"reasoning_tokens":0},"total_tokens":2},
                 "metadata":{}}""");
        response.set("output", json(output));
        return response;
    }

    private static JsonNode json(String text) {
        return JsonMapper.shared().readTree(text);
    }
}
