package dev.hotloop.api.transport.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hotloop.api.PlatformTest;
import dev.hotloop.api.transport.websocket.RawWebSocket;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;

/**
 * Single requests that once hurt the platform: text that could be parsed but not stored, JSON nested past what can be
 * written back, ids longer than any, inputs whose counting took the event loop. Each is now refused at the edge or
 * served without delaying anyone else.
 */
class HostileRequestTest extends PlatformTest {

    private RawHttp http;

    @BeforeEach
    void rawClient() {
        http = new RawHttp(baseUrl(), ACME_KEY);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"input\": \"x\\ud800y\"}                                                    | input",
                "{\"input\": \"hi\", \"instructions\": \"\\udc00\"}                            | instructions",
                "{\"input\": \"hi\", \"metadata\": {\"k\": \"\\ud800\"}}                       | metadata.k",
                "{\"input\": \"hi\", \"tools\": [{\"type\": \"function\", \"name\": \"f\", \"parameters\": {\"type\": \"object\", \"description\": \"\\ud800\"}}]} | tools[0].parameters.description",
                "{\"input\": [{\"type\": \"function_call_output\", \"call_id\": \"c\\ud800\", \"output\": \"x\"}]} | input[0].call_id",
            })
    void loneSurrogateIsA400OnCreateCompactAndWebSocket(String body, String param) throws Exception {
        RawHttp.Reply created = http.post("/responses", body);
        assertThat(created.status()).as(created.body()).isEqualTo(400);
        assertThat(created.error().path("param").asString()).isEqualTo(param);
        assertThat(created.error().path("code").asString()).isEqualTo("invalid_value");

        RawHttp.Reply compacted =
                http.post("/responses/compact", body.replaceFirst("\\{", "{\"model\": \"" + MODEL + "\", "));
        assertThat(compacted.status()).as(compacted.body()).isEqualTo(400);
        assertThat(compacted.error().path("param").asString()).isEqualTo(param);

        try (RawWebSocket socket = RawWebSocket.connect(port, ACME_KEY)) {
            socket.send(body.replaceFirst("\\{", "{\"type\": \"response.create\", "));
            JsonNode error = socket.until("error").getLast();
            assertThat(error.path("status").asInt()).isEqualTo(400);
            assertThat(error.path("error").path("param").asString()).isEqualTo(param);
        }
    }

    @Test
    void jsonNestedPastTheLimitIs400AndWhatIsAcceptedIsServedBack() {
        RawHttp.Reply tooDeep = http.post("/responses", reasoningInput(497));
        assertThat(tooDeep.status()).as(tooDeep.body()).isEqualTo(400);
        assertThat(tooDeep.error().path("code").asString()).isEqualTo("invalid_json");

        RawHttp.Reply deepest = http.post("/responses", reasoningInput(120));
        assertThat(deepest.status()).as(deepest.body()).isEqualTo(200);
        String id = deepest.json().path("id").asString();
        assertThat(http.get("/responses/" + id).status()).isEqualTo(200);
        RawHttp.Reply items = http.get("/responses/" + id + "/input_items");
        assertThat(items.status()).as(items.body()).isEqualTo(200);
        assertThat(items.json().path("data").get(0).path("x").isObject()).isTrue();
        RawHttp.Reply continued =
                http.post("/responses", "{\"input\": \"and?\", \"previous_response_id\": \"" + id + "\"}");
        assertThat(continued.status()).as(continued.body()).isEqualTo(200);
    }

    @Test
    void overlongIdsAreClientErrorsNeverUnavailable() {
        String overlong = "resp_" + "a".repeat(5_000);

        RawHttp.Reply continued =
                http.post("/responses", "{\"input\": \"hi\", \"previous_response_id\": \"" + overlong + "\"}");
        assertThat(continued.status()).as(continued.body()).isEqualTo(400);
        assertThat(continued.error().path("param").asString()).isEqualTo("previous_response_id");
        assertThat(continued.error().path("code").asString()).isEqualTo("invalid_value");

        // within the server's URL limit, but past session-service's once its own path is added
        String longest = "resp_" + "a".repeat(3_900);
        assertThat(http.get("/responses/" + longest).status()).isEqualTo(404);
        assertThat(http.get("/responses/" + longest + "/input_items").status()).isEqualTo(404);
        assertThat(http.get("/responses/" + overlong).status()).isEqualTo(414);
    }

    @Test
    void longInputIsCountedOffTheEventLoopsWhileOtherRequestsAreServed() {
        // one run without whitespace: the tokenizer's worst case
        String body = "{\"input\": \"" + "A".repeat(1_000_000) + "\", \"store\": false}";
        CompletableFuture<RawHttp.Reply> big = CompletableFuture.supplyAsync(() -> http.post("/responses", body));

        Thread counting = awaitThreadCounting(big);
        RawHttp.Reply models = http.get("/models");

        assertThat(counting.getName()).startsWith("hotloop-tokenizer");
        assertThat(models.status()).isEqualTo(200);
        assertThat(big).as("the long input is still being counted or answered").isNotDone();
        assertThat(big.join().status()).isEqualTo(200);
    }

    /** The thread that is inside the token counter, waiting (at most 30 s) until one is. */
    private static Thread awaitThreadCounting(CompletableFuture<?> request) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline && !request.isDone()) {
            Optional<Thread> counting = Thread.getAllStackTraces().entrySet().stream()
                    .filter(entry -> insideTokenCounter(entry.getValue()))
                    .map(Map.Entry::getKey)
                    .findFirst();
            if (counting.isPresent()) {
                return counting.get();
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("no thread counted tokens of the long input");
    }

    private static boolean insideTokenCounter(StackTraceElement[] stack) {
        for (StackTraceElement frame : stack) {
            if (frame.getClassName().startsWith("com.knuddels.jtokkit")) {
                return true;
            }
        }
        return false;
    }

    /** A create body whose one input item, a reasoning item, nests {@code depth} levels in all. */
    private static String reasoningInput(int depth) {
        int inner = depth - 3; // the body, the input array, the item
        // a reasoning item as OpenAI's schema has it (with an id): it is served back as sent
        return "{\"input\": [{\"type\": \"reasoning\", \"id\": \"rs_1\", \"summary\": [], \"x\": "
                + "{\"a\":".repeat(inner - 1) + "{}" + "}".repeat(inner - 1) + "}]}";
    }
}
