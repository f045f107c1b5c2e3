package dev.hotloop.api.transport.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hotloop.api.PlatformTest;
import dev.hotloop.protocol.json.ProtocolJson;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/**
 * Replays request bodies captured from Codex CLI 0.169 (developer messages, exec_command, namespace and
 * web_search tools, include, prompt_cache_key, client_metadata, store:false, stream:true).
 */
class CodexReplayTest extends PlatformTest {

    private RawHttp http;

    @BeforeEach
    void rawClient() {
        http = new RawHttp(baseUrl(), ACME_KEY);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http-turn1.json", "http-turn2.json"})
    void codexTurnStreamsAValidResponse(String fixture) throws IOException {
        JsonNode body = capturedBody(fixture);

        RawHttp.Reply reply = http.post("/responses", ProtocolJson.mapper().writeValueAsBytes(body));

        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        List<JsonNode> events = reply.events();
        assertThat(events.getFirst().path("type").asString()).isEqualTo("response.created");
        JsonNode completed = events.getLast();
        assertThat(completed.path("type").asString()).isEqualTo("response.completed");
        JsonNode response = completed.path("response");
        assertThat(response.path("store").booleanValue()).isFalse();
        assertThat(response.path("model").asString()).isEqualTo("mock-model");
        assertThat(response.path("tools")).isEqualTo(body.path("tools"));
        assertThat(response.path("prompt_cache_key").asString())
                .isEqualTo(body.path("prompt_cache_key").asString());
        assertThat(response.path("output").size()).isPositive();
        for (int i = 0; i < events.size(); i++) {
            assertThat(events.get(i).path("sequence_number").asInt()).isEqualTo(i);
        }
        // store:false: nothing was kept
        assertThat(http.get("/responses/" + response.path("id").asString()).status())
                .isEqualTo(404);
    }

    static JsonNode capturedBody(String fixture) throws IOException {
        try (InputStream in = CodexReplayTest.class.getResourceAsStream("/fixtures/codex-0.169/" + fixture)) {
            return ProtocolJson.mapper().readTree(in).path("body");
        }
    }
}
