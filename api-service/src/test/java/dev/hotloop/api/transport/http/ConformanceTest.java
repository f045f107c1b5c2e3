package dev.hotloop.api.transport.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hotloop.api.PlatformTest;
import dev.hotloop.api.ToolRunnerFixture;
import dev.hotloop.api.transport.websocket.RawWebSocket;
import dev.hotloop.testsupport.WireSpecs;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Everything hotloop sends, held to both published specifications: every event type and item type it emits, on SSE
 * and WebSocket, every other body it serves, and both error shapes. The clients check what they receive
 * ({@link RawHttp}, {@link RawWebSocket}, {@link WireSpecs}); these tests make sure that is everything, and that the
 * checks see it. A failed response's events are checked where a model can be made to fail (TurnEngineTest).
 */
class ConformanceTest extends PlatformTest {

    /** Every event type the engine emits on a stream. */
    private static final Set<String> EVENTS = Set.of(
            "response.created",
            "response.in_progress",
            "response.output_item.added",
            "response.content_part.added",
            "response.output_text.delta",
            "response.output_text.done",
            "response.content_part.done",
            "response.function_call_arguments.delta",
            "response.function_call_arguments.done",
            "response.output_item.done",
            "response.completed",
            "response.incomplete");

    /** Every item type the engine itself puts in an output. */
    private static final Set<String> OUTPUT_ITEMS =
            Set.of("message", "function_call", "shell_call", "shell_call_output");

    private static final String FUNCTION = """
            {"type":"function","name":"get_weather","parameters":{"type":"object",
             "properties":{"city":{"type":"string"}},"required":["city"]}}""";

    private RawHttp http;

    @BeforeAll
    static void toolRunner() {
        ToolRunnerFixture.start();
    }

    @BeforeEach
    void rawClient() {
        http = new RawHttp(baseUrl(), ACME_KEY);
    }

    @Test
    void everyEventAndItemTypeConformsOverSse() {
        Set<String> events = new TreeSet<>();
        Set<String> items = new TreeSet<>();
        for (String body : creates()) {
            RawHttp.Reply reply = http.post("/responses", body.replace("}", ",\"stream\":true}"));
            assertThat(reply.status()).as(reply.body()).isEqualTo(200);
            seen(reply.events(), events, items);
        }

        assertThat(events).containsAll(EVENTS);
        assertThat(items).containsAll(OUTPUT_ITEMS);
    }

    @Test
    void everyEventAndItemTypeConformsOverWebSocket() throws Exception {
        Set<String> events = new TreeSet<>();
        Set<String> items = new TreeSet<>();
        try (RawWebSocket socket = RawWebSocket.connect(port, ACME_KEY)) {
            for (String body : creates()) {
                socket.send(body.replaceFirst("\\{", "{\"type\":\"response.create\","));
                seen(socket.until(Set.of("response.completed", "response.incomplete")), events, items);
            }
        }

        assertThat(events).containsAll(EVENTS);
        assertThat(items).containsAll(OUTPUT_ITEMS);
    }

    @Test
    void storedResponsesTheirInputItemsModelsCountsAndCompactionsConform() {
        String created = http.post("/responses", """
                        {"model":"%s","tools":[%s],"input":[
                          {"type":"message","role":"developer","content":"Be brief."},
                          {"type":"reasoning","id":"rs_1","summary":[],"encrypted_content":"opaque"},
                          {"type":"message","role":"user","content":[{"type":"input_text","text":"Weather?"}]}]}""".formatted(MODEL, FUNCTION))
                .json()
                .path("id")
                .asString();
        JsonNode call = http.get("/responses/" + created).json().path("output").get(0);
        String answered = http.post("/responses", """
                        {"model":"%s","previous_response_id":"%s","tools":[%s],"input":[
                          {"type":"function_call_output","call_id":"%s","output":"18C"}]}""".formatted(
                                MODEL, created, FUNCTION, call.path("call_id").asString()))
                .json()
                .path("id")
                .asString();
        JsonNode compaction = http.post(
                        "/responses/compact",
                        "{\"model\":\"" + MODEL + "\",\"previous_response_id\":\"" + answered + "\"}")
                .json();
        String compacted = http.post("/responses", """
                        {"model":"%s","input":[%s,{"type":"message","role":"user","content":"Go on."}]}""".formatted(
                                MODEL, compaction.path("output").get(0)))
                .json()
                .path("id")
                .asString();

        assertThat(call.path("type").asString()).isEqualTo("function_call");
        assertThat(http.get("/responses/" + answered + "/input_items?order=asc")
                        .json()
                        .path("data")
                        .findValuesAsString("type"))
                .contains("function_call_output");
        assertThat(http.get("/responses/" + created + "/input_items?limit=2")
                        .json()
                        .path("data")
                        .findValuesAsString("type"))
                .contains("message", "reasoning");
        assertThat(http.get("/responses/" + compacted + "/input_items")
                        .json()
                        .path("data")
                        .findValuesAsString("type"))
                .contains("compaction");
        assertThat(http.post("/responses/input_tokens", "{\"model\":\"" + MODEL + "\",\"input\":\"hi\"}")
                        .json()
                        .path("input_tokens")
                        .asInt())
                .isPositive();
        assertThat(http.get("/models").status()).isEqualTo(200);
        assertThat(http.get("/models/" + MODEL).status()).isEqualTo(200);
        assertThat(http.delete("/responses/" + compacted).status()).isEqualTo(200);
    }

    @Test
    void httpErrorsConform() {
        assertThat(http.post("/responses", "{\"model\":").status()).isEqualTo(400);
        assertThat(http.post("/responses", "{\"input\":[{\"type\":\"function_call_output\",\"call_id\":\"c\"}]}")
                        .status())
                .isEqualTo(400);
        assertThat(http.get("/responses/resp_unknown").status()).isEqualTo(404);
        assertThat(new RawHttp(baseUrl(), "sk-wrong").get("/models").status()).isEqualTo(401);
    }

    @Test
    void webSocketErrorFramesConform() throws Exception {
        try (RawWebSocket socket = RawWebSocket.connect(port, ACME_KEY)) {
            socket.send("{\"type\":\"response.create\",\"model\":");
            socket.send("{\"type\":\"response.cancel\"}");
            socket.send("{\"type\":\"response.create\",\"model\":\"" + MODEL
                    + "\",\"previous_response_id\":\"resp_unknown\",\"input\":\"hi\",\"store\":false}");
            socket.send("{\"type\":\"response.create\",\"model\":\"" + MODEL + "\",\"background\":true}");

            for (int error = 0; error < 4; error++) {
                JsonNode frame = socket.until("error").getLast();
                assertThat(frame.path("status").asInt()).isEqualTo(400);
                assertThat(frame.path("error").path("message").asString()).isNotBlank();
            }
        }
    }

    /** Create bodies that between them make the engine emit every event and output item type it has. */
    private static List<String> creates() {
        return List.of(
                "{\"model\":\"" + MODEL + "\",\"input\":\"hello\",\"store\":false}",
                "{\"model\":\"" + MODEL + "\",\"input\":\"Weather?\",\"tools\":[" + FUNCTION.replace("\n", "")
                        + "],\"store\":false}",
                "{\"model\":\"" + MODEL + "\",\"input\":\"FLOOD " + "word ".repeat(40)
                        + "\",\"max_output_tokens\":16,\"store\":false}",
                "{\"model\":\"" + MODEL + "\",\"input\":\"SHELL3 please\",\"tools\":[{\"type\":\"shell\"}],"
                        + "\"store\":false}");
    }

    private static void seen(List<JsonNode> events, Set<String> types, Set<String> items) {
        for (JsonNode event : events) {
            types.add(event.path("type").asString());
            if (event.has("item")) {
                items.add(event.path("item").path("type").asString());
            }
        }
    }
}
