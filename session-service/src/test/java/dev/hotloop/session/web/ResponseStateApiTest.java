package dev.hotloop.session.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hotloop.protocol.id.ResponseIds;
import dev.hotloop.session.SessionServiceIntegrationTest;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

class ResponseStateApiTest extends SessionServiceIntegrationTest {

    /** Compact, as Jackson writes it, so the stored text can be compared byte for byte. */
    private static final String REASONING_ITEM = """
            {"type":"reasoning","id":"rs_1","summary":[],"encrypted_content":"gAAAAB…opaque==","x_unknown":{"nested":[1,2.50,1.0,0.1000000000000000055511151231257827,12345678901234567890123,true,null,"é\\"q\\""]}}""";

    private static final String FUNCTION_CALL_ITEM = """
            {"type":"function_call","id":"fc_1","call_id":"call_1","name":"lookup","arguments":"{\\"q\\":\\"x\\"}","status":"completed"}""";
    private static final String OUTPUT_ITEM = """
            {"type":"message","id":"msg_1","role":"assistant","status":"completed","content":[{"type":"output_text","text":"done","annotations":[],"logprobs":[]}]}""";

    @Test
    void storedTurnReadsBackExactlyAsPosted() {
        String id = ResponseIds.newChain();
        String response = """
                {"id":"%s","object":"response","created_at":1763700000,"status":"completed","model":"m","temperature":1.0,"metadata":{"output":[]},"output":[%s]}""".formatted(id, OUTPUT_ITEM);
        String body = """
                {"response":%s,"previous_response_id":null,
                 "input":[{"tokens":12,"item":%s},{"tokens":3,"item":%s}],
                 "output":[{"tokens":7,"item":%s}]}""".formatted(response, REASONING_ITEM, FUNCTION_CALL_ITEM, OUTPUT_ITEM);

        post(TENANT, body).expectStatus().isCreated().expectBody().json("{\"id\":\"" + id + "\",\"depth\":1}");

        String stored = http.get()
                .uri(RESPONSES + "/{id}", TENANT, id)
                .exchange()
                .expectStatus()
                .isOk()
                .expectHeader()
                .contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
                .expectBody(String.class)
                .returnResult()
                .getResponseBody();
        assertThat(json.readTree(stored)).isEqualTo(json.readTree(response));

        String context = http.get()
                .uri(RESPONSES + "/{id}/context", TENANT, id)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(String.class)
                .returnResult()
                .getResponseBody();
        assertThat(context)
                .contains(
                        "{\"tokens\":12,\"item\":" + REASONING_ITEM + "}",
                        "{\"tokens\":3,\"item\":" + FUNCTION_CALL_ITEM + "}",
                        "{\"tokens\":7,\"item\":" + OUTPUT_ITEM + "}");
        JsonNode tree = json.readTree(context);
        assertThat(tree.get("response")).isEqualTo(json.readTree(response));
        assertThat(tree.get("items")).hasSize(3);
        assertThat(tree.get("input_count").intValue()).isEqualTo(2);
        assertThat(tree.get("depth").intValue()).isEqualTo(1);
    }

    @Test
    void continuationContextIsParentContextThenOwnInputThenOwnOutput() {
        String first = storeTurn(null, "a");
        String second = storeTurn(first, "b");

        JsonNode context = context(second);
        assertThat(contextTexts(second)).containsExactly("a-in", "a-out", "b-in", "b-out");
        assertThat(context.get("input_count").intValue()).isEqualTo(3);
        assertThat(context.get("depth").intValue()).isEqualTo(2);
        assertThat(context.get("response").get("id").stringValue()).isEqualTo(second);
        assertThat(context.get("response")
                        .get("output")
                        .get(0)
                        .get("content")
                        .get(0)
                        .get("text")
                        .stringValue())
                .isEqualTo("b-out");
    }

    @Test
    void turnWithoutItemsIsStoredAndKeepsTheParentContext() {
        String first = storeTurn(null, "a");
        String empty = ResponseIds.continuing(first);
        post(TENANT, storeBody(empty, first, List.of(), List.of()).toString())
                .expectStatus()
                .isCreated()
                .expectBody()
                .jsonPath("$.depth")
                .isEqualTo(2);

        assertThat(contextTexts(empty)).containsExactly("a-in", "a-out");
        assertThat(context(empty).get("input_count").intValue()).isEqualTo(2);
        assertThat(context(empty).get("response").get("output")).isEmpty();
        String next = storeTurn(empty, "c");
        assertThat(contextTexts(next)).containsExactly("a-in", "a-out", "c-in", "c-out");
    }

    @Test
    void storingAnExistingIdIs409() {
        String id = storeTurn(null, "a");
        ObjectNode again = storeBody(id, null, List.of(userMessage("x")), List.of());

        expectError(post(TENANT, again.toString()), HttpStatus.CONFLICT, "response.id", "response_already_exists");
        assertThat(contextTexts(id)).containsExactly("a-in", "a-out");
    }

    @Test
    void unknownPreviousResponseIs404() {
        String parent = ResponseIds.newChain();
        ObjectNode body = storeBody(ResponseIds.continuing(parent), parent, List.of(userMessage("x")), List.of());

        expectError(
                post(TENANT, body.toString()),
                HttpStatus.NOT_FOUND,
                "previous_response_id",
                "previous_response_not_found");
    }

    @Test
    void malformedPreviousResponseIdIs404() {
        ObjectNode body = storeBody(ResponseIds.newChain(), "resp_123", List.of(), List.of());

        expectError(
                post(TENANT, body.toString()),
                HttpStatus.NOT_FOUND,
                "previous_response_id",
                "previous_response_not_found");
    }

    @Test
    void continuationWithAnIdOfAnotherChainIs400() {
        String parent = storeTurn(null, "a");
        ObjectNode body = storeBody(ResponseIds.newChain(), parent, List.of(userMessage("x")), List.of());

        expectError(post(TENANT, body.toString()), HttpStatus.BAD_REQUEST, "response.id", "invalid_value");
    }

    @Test
    void otherTenantGets404() {
        String id = storeTurn(null, "a");

        expectError(
                http.get().uri(RESPONSES + "/{id}", "globex", id).exchange(),
                HttpStatus.NOT_FOUND,
                null,
                "response_not_found");
        expectError(
                http.get().uri(RESPONSES + "/{id}/context", "globex", id).exchange(),
                HttpStatus.NOT_FOUND,
                null,
                "response_not_found");
        expectError(
                http.delete().uri(RESPONSES + "/{id}", "globex", id).exchange(),
                HttpStatus.NOT_FOUND,
                null,
                "response_not_found");
        ObjectNode continuation = storeBody(ResponseIds.continuing(id), id, List.of(userMessage("x")), List.of());
        expectError(
                post("globex", continuation.toString()),
                HttpStatus.NOT_FOUND,
                "previous_response_id",
                "previous_response_not_found");
        assertThat(contextTexts(id)).containsExactly("a-in", "a-out");
    }

    @Test
    void malformedIdOrTenantIs404() {
        for (String id : List.of("resp_123", "resp_" + "G".repeat(48), "msg_abc", "x")) {
            expectError(
                    http.get().uri(RESPONSES + "/{id}", TENANT, id).exchange(),
                    HttpStatus.NOT_FOUND,
                    null,
                    "response_not_found");
            expectError(
                    http.get().uri(RESPONSES + "/{id}/context", TENANT, id).exchange(),
                    HttpStatus.NOT_FOUND,
                    null,
                    "response_not_found");
            expectError(
                    http.delete().uri(RESPONSES + "/{id}", TENANT, id).exchange(),
                    HttpStatus.NOT_FOUND,
                    null,
                    "response_not_found");
        }
        String id = storeTurn(null, "a");
        expectError(
                http.get().uri(RESPONSES + "/{id}", "a:b", id).exchange(),
                HttpStatus.NOT_FOUND,
                null,
                "response_not_found");
        expectError(
                http.get().uri(RESPONSES + "/{id}", "t".repeat(65), id).exchange(),
                HttpStatus.NOT_FOUND,
                null,
                "response_not_found");
    }

    @Test
    void headAnswersWhetherTheTenantHasTheResponseWithoutABody() {
        String id = storeTurn(null, "a");

        http.head()
                .uri(RESPONSES + "/{id}", TENANT, id)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .isEmpty();
        http.head()
                .uri(RESPONSES + "/{id}", "globex", id)
                .exchange()
                .expectStatus()
                .isNotFound();
        http.delete()
                .uri(RESPONSES + "/{id}", TENANT, id)
                .exchange()
                .expectStatus()
                .isNoContent();
        http.head()
                .uri(RESPONSES + "/{id}", TENANT, id)
                .exchange()
                .expectStatus()
                .isNotFound();
    }

    @Test
    void deletedResponseIs404() {
        String id = storeTurn(null, "a");

        http.delete()
                .uri(RESPONSES + "/{id}", TENANT, id)
                .exchange()
                .expectStatus()
                .isNoContent()
                .expectBody()
                .isEmpty();

        expectError(
                http.get().uri(RESPONSES + "/{id}", TENANT, id).exchange(),
                HttpStatus.NOT_FOUND,
                null,
                "response_not_found");
        expectError(
                http.get().uri(RESPONSES + "/{id}/context", TENANT, id).exchange(),
                HttpStatus.NOT_FOUND,
                null,
                "response_not_found");
        expectError(
                http.delete().uri(RESPONSES + "/{id}", TENANT, id).exchange(),
                HttpStatus.NOT_FOUND,
                null,
                "response_not_found");
    }

    @Test
    void malformedJsonIs400() {
        expectError(post(TENANT, "{\"response\": {"), HttpStatus.BAD_REQUEST, null, "invalid_json");
        expectError(post(TENANT, "{\"response\": {\"id\": tru}}"), HttpStatus.BAD_REQUEST, null, "invalid_json");
        expectError(post(TENANT, "[1,2]"), HttpStatus.BAD_REQUEST, null, "invalid_json");
        expectError(post(TENANT, ""), HttpStatus.BAD_REQUEST, null, null);
    }

    @Test
    void wrongJsonTypesAre400WithTheirParam() {
        String id = ResponseIds.newChain();
        String response = "{\"id\":\"" + id + "\",\"output\":[]}";
        expectError(
                post(TENANT, "{\"response\":" + response + ",\"input\":{}}"),
                HttpStatus.BAD_REQUEST,
                "input",
                "invalid_json");
        expectError(
                post(TENANT, "{\"response\":" + response + ",\"input\":[{\"tokens\":\"many\",\"item\":{}}]}"),
                HttpStatus.BAD_REQUEST,
                "input[0].tokens",
                "invalid_json");
        expectError(
                post(TENANT, "{\"response\":" + response + ",\"input\":[{\"tokens\":1.5,\"item\":{}}]}"),
                HttpStatus.BAD_REQUEST,
                "input[0].tokens",
                "invalid_json");
        expectError(
                post(TENANT, "{\"response\":" + response + ",\"input\":[{\"tokens\":-1,\"item\":{}}]}"),
                HttpStatus.BAD_REQUEST,
                "input[0].tokens",
                "invalid_value");
        expectError(
                post(TENANT, "{\"response\":" + response + ",\"input\":[{\"tokens\":1,\"item\":\"text\"}]}"),
                HttpStatus.BAD_REQUEST,
                "input[0].item",
                "invalid_value");
        expectError(
                post(TENANT, "{\"response\":" + response + ",\"input\":[null]}"),
                HttpStatus.BAD_REQUEST,
                "input[0]",
                "invalid_value");
        expectError(
                post(TENANT, "{\"response\":" + response + ",\"output\":[{\"tokens\":1,\"item\":{}}]}"),
                HttpStatus.BAD_REQUEST,
                "output",
                "invalid_value");
        expectError(post(TENANT, "{\"response\":\"resp\"}"), HttpStatus.BAD_REQUEST, "response", "invalid_value");
        expectError(post(TENANT, "{\"input\":[]}"), HttpStatus.BAD_REQUEST, "response", "invalid_value");
    }

    @Test
    void missingOrMalformedResponseIdIs400() {
        expectError(
                post(TENANT, "{\"response\":{\"object\":\"response\",\"output\":[]}}"),
                HttpStatus.BAD_REQUEST,
                "response.id",
                "invalid_value");
        expectError(post(TENANT, "{\"response\":{\"id\":42}}"), HttpStatus.BAD_REQUEST, "response.id", "invalid_value");
        expectError(
                post(TENANT, "{\"response\":{\"id\":\"resp_abc\"}}"),
                HttpStatus.BAD_REQUEST,
                "response.id",
                "invalid_value");
    }

    @Test
    void malformedTenantOnStoreIs400() {
        ObjectNode body = storeBody(ResponseIds.newChain(), null, List.of(), List.of());

        expectError(post("not a tenant", body.toString()), HttpStatus.BAD_REQUEST, "tenant", "invalid_value");
    }

    @Test
    void nonJsonContentTypeIs415WithOpenAiShape() {
        WebTestClient.ResponseSpec response = http.post()
                .uri(RESPONSES, TENANT)
                .contentType(MediaType.TEXT_PLAIN)
                .bodyValue("hello")
                .exchange();

        expectError(response, HttpStatus.UNSUPPORTED_MEDIA_TYPE, null, null);
    }

    @Test
    void wrongMethodAndUnknownRouteKeepTheOpenAiShape() {
        expectError(
                http.put()
                        .uri(RESPONSES + "/{id}", TENANT, ResponseIds.newChain())
                        .exchange(),
                HttpStatus.METHOD_NOT_ALLOWED,
                null,
                null);
        expectError(http.get().uri("/internal/v1/nothing").exchange(), HttpStatus.NOT_FOUND, null, "unknown_url");
    }

    private WebTestClient.ResponseSpec post(String tenant, String body) {
        return http.post()
                .uri(RESPONSES, tenant)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange();
    }

    private void expectError(WebTestClient.ResponseSpec response, HttpStatus status, String param, String code) {
        byte[] body = response.expectStatus()
                .isEqualTo(status)
                .expectHeader()
                .contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
                .expectBody()
                .returnResult()
                .getResponseBody();
        JsonNode error = json.readTree(body).get("error");
        assertThat(error.get("message").stringValue()).isNotBlank();
        assertThat(error.get("type").stringValue()).isEqualTo("invalid_request_error");
        assertThat(error.get("param").isNull() ? null : error.get("param").stringValue())
                .isEqualTo(param);
        assertThat(error.get("code").isNull() ? null : error.get("code").stringValue())
                .isEqualTo(code);
    }
}
