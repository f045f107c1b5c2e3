package dev.hotloop.session;

import dev.hotloop.protocol.id.ResponseIds;
import dev.hotloop.session.cache.NearCache;
import dev.hotloop.testsupport.TestRedis;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Base of the tests that need the running service and the test JVM's Redis. Every subclass gets the same
 * configuration, so Spring starts one context for all of them.
 */
@SpringBootTest(
        classes = SessionServiceApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.config.name=" + SessionServiceApplication.CONFIG_NAME)
// no latency assertion here (speed is the benchmarks' business): the first requests of a fresh context run one-time
// work on the event loop, which took over the 5 s default on a 2-core machine shared by several builds
@AutoConfigureWebTestClient(timeout = "PT30S")
public abstract class SessionServiceIntegrationTest {

    protected static final String TENANT = "acme";
    protected static final String RESPONSES = "/internal/v1/tenants/{tenant}/responses";

    @Autowired
    protected WebTestClient http;

    @Autowired
    protected ReactiveStringRedisTemplate redis;

    @Autowired
    protected JsonMapper json;

    @Autowired
    protected NearCache nearCache;

    @DynamicPropertySource
    static void redis(DynamicPropertyRegistry registry) {
        registry.add("spring.data.redis.host", TestRedis::host);
        registry.add("spring.data.redis.port", TestRedis::port);
    }

    /** Stores a turn with one user message in and one assistant message out; returns its id. */
    protected String storeTurn(@Nullable String previousId, String label) {
        String id = previousId == null ? ResponseIds.newChain() : ResponseIds.continuing(previousId);
        http.post()
                .uri(RESPONSES, TENANT)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(storeBody(
                        id, previousId, List.of(userMessage(label + "-in")), List.of(assistantMessage(label + "-out"))))
                .exchange()
                .expectStatus()
                .isCreated()
                .expectBody()
                .jsonPath("$.id")
                .isEqualTo(id);
        return id;
    }

    /** A linear chain of {@code turns} turns labelled t0, t1, …; returns the ids, oldest first. */
    protected List<String> storeChain(int turns) {
        List<String> ids = new ArrayList<>(turns);
        String previous = null;
        for (int turn = 0; turn < turns; turn++) {
            previous = storeTurn(previous, "t" + turn);
            ids.add(previous);
        }
        return ids;
    }

    /**
     * The Redis commands that ran while the action ran, by name (those Lua scripts run included), from INFO
     * commandstats; the INFO calls themselves are left out. Tests run one at a time, so they are the action's.
     */
    protected static Map<String, Long> redisCommandsRunBy(Runnable action) {
        Map<String, Long> before = TestRedis.commandCalls();
        action.run();
        Map<String, Long> after = TestRedis.commandCalls();
        Map<String, Long> delta = new HashMap<>();
        after.forEach((command, calls) -> {
            long ran = calls - before.getOrDefault(command, 0L);
            if (ran > 0 && !command.equals("info")) {
                delta.put(command, ran);
            }
        });
        return delta;
    }

    protected JsonNode context(String id) {
        byte[] body = http.get()
                .uri(RESPONSES + "/{id}/context", TENANT, id)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .returnResult()
                .getResponseBody();
        return json.readTree(body);
    }

    /** The texts of the context items of a response, in order, such as {@code [t0-in, t0-out, t1-in]}. */
    protected List<String> contextTexts(String id) {
        List<String> texts = new ArrayList<>();
        for (JsonNode element : context(id).get("items")) {
            texts.add(element.get("item").get("content").get(0).get("text").stringValue());
        }
        return texts;
    }

    protected ObjectNode storeBody(
            String id, @Nullable String previousId, List<ObjectNode> input, List<ObjectNode> output) {
        ObjectNode body = json.createObjectNode();
        ObjectNode response = body.putObject("response");
        response.put("id", id)
                .put("object", "response")
                .put("created_at", 1_763_700_000L)
                .put("status", "completed")
                .put("model", "hotloop-sim");
        ArrayNode responseOutput = response.putArray("output");
        output.forEach(responseOutput::add);
        response.putObject("usage").put("input_tokens", 12).put("output_tokens", 7);
        body.put("previous_response_id", previousId);
        body.set("input", tokenized(input, 12));
        body.set("output", tokenized(output, 7));
        return body;
    }

    protected ObjectNode userMessage(String text) {
        ObjectNode message = json.createObjectNode().put("type", "message").put("role", "user");
        message.putArray("content").addObject().put("type", "input_text").put("text", text);
        return message;
    }

    protected ObjectNode assistantMessage(String text) {
        ObjectNode message = json.createObjectNode()
                .put("type", "message")
                .put("id", ResponseIds.item("msg"))
                .put("role", "assistant")
                .put("status", "completed");
        ObjectNode part = message.putArray("content")
                .addObject()
                .put("type", "output_text")
                .put("text", text);
        part.putArray("annotations");
        part.putArray("logprobs");
        return message;
    }

    private ArrayNode tokenized(List<ObjectNode> items, long tokens) {
        ArrayNode array = json.createArrayNode();
        items.forEach(item -> array.addObject().put("tokens", tokens).set("item", item));
        return array;
    }
}
