package dev.hotloop.api.transport.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hotloop.api.PlatformTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Whatever a client sends, the answer is an OpenAI-shaped 4xx naming the problem: never a 500, never a hang. */
class BadInputTest extends PlatformTest {

    private RawHttp http;

    @BeforeEach
    void rawClient() {
        http = new RawHttp(baseUrl(), ACME_KEY);
    }

    @Test
    void malformedJsonIs400() {
        RawHttp.Reply reply = http.post("/responses", "{\"model\": \"hotloop-sim\", \"input\": ");

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.error().path("type").asString()).isEqualTo("invalid_request_error");
        assertThat(reply.error().path("message").asString()).contains("could not parse the JSON body");
    }

    @Test
    void emptyAndNonObjectBodiesAre400() {
        assertThat(http.post("/responses", "").status()).isEqualTo(400);
        assertThat(http.post("/responses", "[1,2]").status()).isEqualTo(400);
        assertThat(http.post("/responses", "\"hello\"").status()).isEqualTo(400);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"input\": 42}                                                    | input",
                "{\"input\": \"hi\", \"temperature\": \"hot\"}                      | temperature",
                "{\"input\": \"hi\", \"stream\": \"yes\"}                           | stream",
                "{\"input\": \"hi\", \"max_output_tokens\": 12.5}                   | max_output_tokens",
                "{\"input\": \"hi\", \"metadata\": {\"k\": 1}}                       | metadata.k",
                "{\"input\": \"hi\", \"tools\": {}}                                 | tools",
                "{\"input\": \"hi\", \"tools\": [{\"type\": \"telepathy\"}]}        | tools[0].type",
                "{\"input\": \"hi\", \"tools\": [{\"type\": \"function\"}]}         | tools[0].name",
                "{\"input\": \"hi\", \"tool_choice\": \"sometimes\"}                | tool_choice",
                "{\"input\": \"hi\", \"tool_choice\": {\"type\": \"function\", \"name\": \"nope\"}} | tool_choice",
                "{\"input\": [{\"type\": \"message\", \"role\": \"user\"}]}          | input[0].content",
                "{\"input\": [{\"type\": \"message\", \"role\": \"robot\", \"content\": \"x\"}]} | input[0].role",
                "{\"input\": [{\"type\": \"hologram\"}]}                            | input[0].type",
                "{\"input\": [{\"content\": \"no role no type\"}]}                  | input[0].type",
                "{\"input\": [{\"role\": \"user\", \"content\": [{\"type\": \"input_text\"}]}]} | input[0].content[0].text",
                "{\"input\": [{\"type\": \"function_call_output\", \"output\": \"x\"}]} | input[0].call_id",
                "{\"input\": [{\"type\": \"function_call\", \"call_id\": \"c\", \"name\": \"f\", \"arguments\": {}}]} | input[0].arguments",
                "{\"input\": \"hi\", \"previous_response_id\": 7}                  | previous_response_id",
                "{\"input\": \"hi\", \"background\": true, \"store\": false}          | background",
                "{\"input\": \"hi\", \"conversation\": \"conv_1\"}                  | conversation",
                "{\"input\": \"hi\", \"truncation\": \"sideways\"}                  | truncation",
            })
    void invalidFieldIs400NamingIt(String body, String param) {
        RawHttp.Reply reply = http.post("/responses", body);

        assertThat(reply.status()).as(reply.body()).isEqualTo(400);
        assertThat(reply.error().path("param").asString()).isEqualTo(param);
        assertThat(reply.error().path("message").asString()).isNotBlank();
    }

    @Test
    void hugeBodyIs413() {
        byte[] body = ("{\"input\": \"" + "x".repeat(2 * 1024 * 1024) + "\"}").getBytes();

        RawHttp.Reply reply = http.post("/responses", body);

        assertThat(reply.status()).isEqualTo(413);
        assertThat(reply.error().path("message").asString()).contains("too large");
    }

    @Test
    void unknownFieldsAreIgnored() {
        RawHttp.Reply reply = http.post("/responses", "{\"input\": \"hi\", \"brand_new_field\": {\"x\": 1}}");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().path("status").asString()).isEqualTo("completed");
    }

    @Test
    void missingKeyIs401AndUnknownUrlIs404() {
        RawHttp.Reply unauthenticated = new RawHttp(baseUrl(), "").post("/responses", "{}");
        assertThat(unauthenticated.status()).isEqualTo(401);
        assertThat(unauthenticated.error().path("code").asString()).isEqualTo("invalid_api_key");

        RawHttp.Reply unknown = http.get("/nothing-here");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.error().path("code").asString()).isEqualTo("unknown_url");
    }

    @Test
    void badPagingParametersAre400() {
        RawHttp.Reply created = http.post("/responses", "{\"input\": \"hi\"}");
        String id = created.json().path("id").asString();

        assertThat(http.get("/responses/" + id + "/input_items?limit=0").status())
                .isEqualTo(400);
        assertThat(http.get("/responses/" + id + "/input_items?limit=abc").status())
                .isEqualTo(400);
        assertThat(http.get("/responses/" + id + "/input_items?order=up")
                        .error()
                        .path("param")
                        .asString())
                .isEqualTo("order");
        assertThat(http.get("/responses/" + id + "/input_items?after=msg_unknown")
                        .status())
                .isEqualTo(400);
    }
}
