package dev.hotloop.api.transport.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hotloop.api.ApiServiceApplication;
import dev.hotloop.api.PlatformTest;
import dev.hotloop.api.SessionServiceFixture;
import dev.hotloop.protocol.json.ProtocolJson;
import dev.hotloop.testsupport.TestRedis;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.core.StreamWriteConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Hostile create bodies, mutations of valid ones (wrong types, deep nesting, huge strings, bad Unicode, unknown
 * fields, duplicated keys, truncation), sent to a running api-service over real HTTP: a client's mistake is never a
 * 5xx, no request hangs, and the heap is back near its baseline once they are done.
 */
class HostileCreateBodiesProperties {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final JsonNodeFactory NODES = ProtocolJson.nodes();
    /** Writes what no server would: nesting far past any limit. */
    private static final JsonMapper UNLIMITED = JsonMapper.builder(JsonFactory.builder()
                    .streamWriteConstraints(StreamWriteConstraints.builder()
                            .maxNestingDepth(100_000)
                            .build())
                    .build())
            .build();

    private static final long HEAP_SLACK = 96L * 1024 * 1024;
    private static final List<String> VALID = List.of(
            "{\"model\": \"hotloop-sim\", \"input\": \"Hello there\"}",
            "{\"input\": \"Stream it\", \"stream\": true, \"store\": false, \"max_output_tokens\": 64}",
            "{\"input\": [{\"role\": \"user\", \"content\": [{\"type\": \"input_text\", \"text\": \"hi\"}]}],"
                    + " \"instructions\": \"Be brief\", \"metadata\": {\"k\": \"v\"}, \"temperature\": 0.5}",
            "{\"input\": \"Weather?\", \"tools\": [{\"type\": \"function\", \"name\": \"get_weather\", \"parameters\":"
                    + " {\"type\": \"object\", \"properties\": {\"city\": {\"type\": \"string\"}}}}],"
                    + " \"tool_choice\": \"auto\", \"parallel_tool_calls\": false}",
            "{\"input\": [{\"type\": \"message\", \"role\": \"assistant\", \"content\": \"done\"},"
                    + " {\"type\": \"reasoning\", \"summary\": [], \"encrypted_content\": \"opaque\"},"
                    + " {\"type\": \"function_call\", \"call_id\": \"c1\", \"name\": \"f\", \"arguments\": \"{}\"},"
                    + " {\"type\": \"function_call_output\", \"call_id\": \"c1\", \"output\": \"ok\"}],"
                    + " \"include\": [\"reasoning.encrypted_content\"], \"truncation\": \"auto\"}");

    private static ConfigurableApplicationContext api;
    private static String url;
    private static long baselineHeap;

    @BeforeContainer
    static void start() throws Exception {
        api = ApiServiceApplication.builder()
                .run(
                        "--server.port=0",
                        "--hotloop.security.api-keys=" + PlatformTest.ACME + ":" + PlatformTest.ACME_KEY,
                        "--hotloop.model.simulator.time-to-first-token=0ms",
                        "--hotloop.model.simulator.tokens-per-second=0",
                        "--hotloop.api.max-request-size=1MB",
                        "--hotloop.api.session.url=" + SessionServiceFixture.url(),
                        "--spring.data.redis.host=" + TestRedis.host(),
                        "--spring.data.redis.port=" + TestRedis.port());
        url = "http://127.0.0.1:"
                + ((WebServerApplicationContext) api).getWebServer().getPort() + "/v1/responses";
        for (String body : VALID) {
            assertThat(post(body.getBytes(StandardCharsets.UTF_8)).statusCode())
                    .as(body)
                    .isEqualTo(200);
        }
        baselineHeap = heapAfterGc();
    }

    @AfterContainer
    static void heapIsBackNearItsBaseline() throws Exception {
        try {
            assertThat(heapAfterGc()).isLessThan(baselineHeap + HEAP_SLACK);
        } finally {
            api.close();
        }
    }

    @Property(tries = 100)
    void clientMistakesAreNeverServerErrors(@ForAll("hostileBodies") byte[] body) throws Exception {
        HttpResponse<String> response = post(body);

        assertThat(response.statusCode())
                .as(preview(body) + " -> " + response.body())
                .isLessThan(500);
        // nor a stream that fails
        assertThat(response.body()).as(preview(body)).doesNotContain("\"response.failed\"");
        if (response.statusCode() >= 400) {
            JsonNode error = ProtocolJson.mapper().readTree(response.body()).path("error");
            assertThat(error.path("message").asString()).isNotBlank();
            assertThat(error.path("type").asString()).isEqualTo("invalid_request_error");
        }
    }

    @Provide
    Arbitrary<byte[]> hostileBodies() {
        Arbitrary<ObjectNode> valid = Arbitraries.of(VALID)
                .map(json -> (ObjectNode) ProtocolJson.mapper().readTree(json));
        Arbitrary<Function<ObjectNode, ObjectNode>> treeMutation = Arbitraries.oneOf(
                wrongType(), deepNesting(), hugeString(), unknownField(), Arbitraries.just(Function.identity()));
        Arbitrary<Function<String, String>> textMutation = Arbitraries.oneOf(
                loneSurrogate(), duplicatedKey(), truncation(), Arbitraries.just(Function.identity()));
        Arbitrary<Function<byte[], byte[]>> byteMutation =
                Arbitraries.oneOf(invalidUtf8(), Arbitraries.just(Function.identity()));
        return Combinators.combine(valid, treeMutation.list().ofMaxSize(3), textMutation, byteMutation)
                .as((body, trees, text, bytes) -> {
                    ObjectNode mutated = body;
                    for (Function<ObjectNode, ObjectNode> mutation : trees) {
                        mutated = mutation.apply(mutated);
                    }
                    String json = text.apply(UNLIMITED.writeValueAsString(mutated));
                    return bytes.apply(json.getBytes(StandardCharsets.UTF_8));
                });
    }

    /** A value somewhere in the body replaced by one of another JSON type. */
    private static Arbitrary<Function<ObjectNode, ObjectNode>> wrongType() {
        Arbitrary<JsonNode> values = Arbitraries.of(
                NODES.numberNode(-1),
                NODES.numberNode(1e308),
                NODES.stringNode(""),
                NODES.booleanNode(true),
                NODES.nullNode(),
                NODES.arrayNode(),
                NODES.objectNode(),
                NODES.numberNode(new java.math.BigInteger("9".repeat(40))));
        return Combinators.combine(Arbitraries.integers().between(0, 1_000), values)
                .as((pick, value) -> body -> replaceAt(body, pick, value));
    }

    /** Arrays and objects nested far deeper than any real request, somewhere in the body. */
    private static Arbitrary<Function<ObjectNode, ObjectNode>> deepNesting() {
        return Combinators.combine(
                        Arbitraries.integers().between(0, 1_000),
                        Arbitraries.integers().between(100, 1_500),
                        Arbitraries.of(true, false))
                .as((pick, depth, arrays) -> body -> {
                    JsonNode deep = arrays ? NODES.arrayNode() : NODES.objectNode();
                    for (int level = 1; level < depth; level++) {
                        deep = arrays
                                ? NODES.arrayNode().add(deep)
                                : NODES.objectNode().set("a", deep);
                    }
                    return replaceAt(body, pick, deep);
                });
    }

    /** A string of up to 250,000 characters, with or without whitespace, in place of a value. */
    private static Arbitrary<Function<ObjectNode, ObjectNode>> hugeString() {
        return Combinators.combine(
                        Arbitraries.integers().between(0, 1_000),
                        Arbitraries.integers().between(10_000, 250_000),
                        Arbitraries.of("A", "ab ", "😀", "\u0000"))
                .as((pick, length, unit) ->
                        body -> replaceAt(body, pick, NODES.stringNode(unit.repeat(length / unit.length()))));
    }

    private static Arbitrary<Function<ObjectNode, ObjectNode>> unknownField() {
        return Arbitraries.strings().ofMinLength(1).ofMaxLength(40).map(name -> body -> {
            ObjectNode copy = body.deepCopy();
            copy.set(name, NODES.objectNode().put("x", 1));
            return copy;
        });
    }

    /** A {@code \ud800}-style escape of a lone surrogate inside the first string value. */
    private static Arbitrary<Function<String, String>> loneSurrogate() {
        return Arbitraries.of("\\ud800", "\\udfff", "\\ud83d", "\\ude00x").map(escape -> json -> {
            int string = json.indexOf(": \"");
            int at = string < 0 ? json.indexOf(":\"") : string;
            return at < 0
                    ? json
                    : json.substring(0, at)
                            + json.substring(at).replaceFirst("\"", "\"" + escape.replace("\\", "\\\\"));
        });
    }

    /** The first field sent twice, the second time with another type. */
    private static Arbitrary<Function<String, String>> duplicatedKey() {
        return Arbitraries.of("\"input\": 42, ", "\"input\": [], ", "\"model\": {}, ", "\"stream\": \"yes\", ")
                .map(duplicate -> json -> "{" + duplicate + json.substring(1));
    }

    private static Arbitrary<Function<String, String>> truncation() {
        return Arbitraries.doubles()
                .between(0, 1)
                .map(fraction -> json -> json.substring(0, (int) (json.length() * fraction)));
    }

    /** Bytes that are no UTF-8: an overlong slash, a stray continuation byte, a byte UTF-8 never uses. */
    private static Arbitrary<Function<byte[], byte[]>> invalidUtf8() {
        return Combinators.combine(
                        Arbitraries.of(
                                new byte[] {(byte) 0xC0, (byte) 0xAF},
                                new byte[] {(byte) 0x80},
                                new byte[] {(byte) 0xFF},
                                new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}),
                        Arbitraries.doubles().between(0, 1))
                .as((bad, fraction) -> body -> {
                    int at = (int) (body.length * fraction);
                    byte[] mutated = new byte[body.length + bad.length];
                    System.arraycopy(body, 0, mutated, 0, at);
                    System.arraycopy(bad, 0, mutated, at, bad.length);
                    System.arraycopy(body, at, mutated, at + bad.length, body.length - at);
                    return mutated;
                });
    }

    /** A copy of {@code body} with the {@code pick}-th value (in document order, modulo their number) replaced. */
    private static ObjectNode replaceAt(ObjectNode body, int pick, JsonNode value) {
        ObjectNode copy = body.deepCopy();
        List<Map.Entry<JsonNode, Object>> slots = new ArrayList<>();
        collect(copy, slots);
        Map.Entry<JsonNode, Object> slot = slots.get(pick % slots.size());
        if (slot.getKey() instanceof ObjectNode object) {
            object.set((String) slot.getValue(), value);
        } else {
            ((ArrayNode) slot.getKey()).set((Integer) slot.getValue(), value);
        }
        return copy;
    }

    /** Every (container, field name or index) of the tree, parents first. */
    private static void collect(JsonNode node, List<Map.Entry<JsonNode, Object>> slots) {
        if (node.isObject()) {
            for (String name : node.propertyNames()) {
                slots.add(Map.entry(node, name));
                collect(node.get(name), slots);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                slots.add(Map.entry(node, i));
                collect(node.get(i), slots);
            }
        }
    }

    /** Sends a create; a reply later than 30 s (a hang) fails the property. */
    private static HttpResponse<String> post(byte[] body) throws IOException, InterruptedException {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(url))
                        .header("Authorization", "Bearer " + PlatformTest.ACME_KEY)
                        .header("Content-Type", "application/json")
                        .timeout(Duration.ofSeconds(30))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static long heapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static String preview(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        return text.length() <= 300 ? text : text.substring(0, 300) + "… (" + body.length + " bytes)";
    }
}
