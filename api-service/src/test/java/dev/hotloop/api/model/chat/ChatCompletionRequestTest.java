package dev.hotloop.api.model.chat;

import static dev.hotloop.api.model.upstream.RenderingFixtures.items;
import static dev.hotloop.api.model.upstream.RenderingFixtures.request;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hotloop.protocol.chat.ChatMessages;
import dev.hotloop.protocol.item.Item;
import dev.hotloop.protocol.json.ProtocolJson;
import dev.hotloop.protocol.model.ModelRequest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

class ChatCompletionRequestTest {

    private static final ChatCompletionRequest.Options OPTIONS =
            new ChatCompletionRequest.Options("up-model", "max_tokens", "system", true);
    private static final long KEPT_BYTES = 1L << 20;

    /** Turns of an agent loop, each what the context grows by; calls join an assistant message of the turn before. */
    private static final List<String> TURNS = List.of("""
            [{"role":"developer","content":"Use the tools."},{"role":"user","content":"Weather in Paris and Oslo?"}]""", """
            [{"type":"reasoning","id":"rs_1","summary":[]},
             {"type":"message","role":"assistant","content":[{"type":"output_text","text":"Checking."}]}]""", """
            [{"type":"function_call","call_id":"a","name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"}]""", """
            [{"type":"function_call","call_id":"b","name":"get_weather","arguments":"{\\"city\\":\\"Oslo\\"}"},
             {"type":"function_call_output","call_id":"a","output":"18C"}]""", """
            [{"type":"function_call_output","call_id":"b","output":[{"type":"input_text","text":"9C"}]},
             {"type":"message","role":"assistant","content":[{"type":"output_text","text":"Paris 18C, Oslo 9C."}]},
             {"role":"user","content":"Thanks!"}]""");

    /** The whole body as one tree, the way it was rendered before rendering was incremental. */
    private static JsonNode wholeBody(ModelRequest request) {
        ArrayNode messages = ChatMessages.toChat(request.instructions(), request.context());
        for (JsonNode message : messages) {
            if ("developer".equals(message.path("role").asString(""))) {
                ((ObjectNode) message).put("role", "system");
            }
        }
        return ProtocolJson.nodes()
                .objectNode()
                .put("model", "up-model")
                .<ObjectNode>set("messages", messages)
                .put("stream", true);
    }

    @Test
    void aContinuationConvertsOnlyItsNewItemsAndRendersTheSameBytesAsAWholeRendering() {
        ChatCompletionRequest incremental = new ChatCompletionRequest(OPTIONS, KEPT_BYTES);
        List<Item> context = new ArrayList<>();
        long converted = 0;
        for (String turn : TURNS) {
            List<Item> added = items(turn);
            context.addAll(added);
            ModelRequest request = request("Be brief.", context);

            byte[] body = incremental.render(request);

            converted += added.size();
            assertThat(incremental.convertedItems()).isEqualTo(converted);
            assertThat(new String(body, UTF_8))
                    .isEqualTo(new String(new ChatCompletionRequest(OPTIONS, KEPT_BYTES).render(request), UTF_8));
            JsonNode parsed = ProtocolJson.mapper().readTree(body);
            assertThat(parsed.get("messages")).isEqualTo(wholeBody(request).get("messages"));
        }
        String rendered = new String(incremental.render(request("Be brief.", context)), UTF_8);
        assertThat(rendered)
                .startsWith("{\"model\":\"up-model\",\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},"
                        + "{\"role\":\"system\",\"content\":\"Use the tools.\"},")
                .contains("{\"role\":\"assistant\",\"content\":\"Checking.\",\"tool_calls\":[{\"id\":\"a\"")
                .endsWith(
                        "],\"stream\":true,\"stream_options\":{\"include_usage\":true},\"tools\":[{\"type\":\"function\","
                                + "\"function\":{\"name\":\"get_weather\",\"parameters\":{\"type\":\"object\"}}}],"
                                + "\"tool_choice\":\"auto\",\"parallel_tool_calls\":false,\"max_tokens\":100,"
                                + "\"temperature\":0.5,\"prompt_cache_key\":\"" + promptCacheKey(rendered) + "\"}");
    }

    @Test
    void branchesFromOnePrefixEachRenderTheirOwnItems() {
        ChatCompletionRequest incremental = new ChatCompletionRequest(OPTIONS, KEPT_BYTES);
        List<Item> prefix = new ArrayList<>(items(TURNS.get(0)));
        prefix.addAll(items(TURNS.get(1)));
        incremental.render(request(null, prefix));
        for (String branch : List.of(TURNS.get(2), "[{\"role\":\"user\",\"content\":\"Never mind.\"}]")) {
            List<Item> context = new ArrayList<>(prefix);
            context.addAll(items(branch));
            ModelRequest request = request(null, context);

            byte[] body = incremental.render(request);

            assertThat(body).isEqualTo(new ChatCompletionRequest(OPTIONS, KEPT_BYTES).render(request));
            assertThat(ProtocolJson.mapper().readTree(body).get("messages"))
                    .isEqualTo(wholeBody(request).get("messages"));
        }
        assertThat(incremental.convertedItems()).isEqualTo(prefix.size() + 2);
    }

    @Test
    void otherInstructionsKeepTheRenderedMessages() {
        ChatCompletionRequest incremental = new ChatCompletionRequest(OPTIONS, KEPT_BYTES);
        List<Item> context = items(TURNS.get(0));
        incremental.render(request("Be brief.", context));

        byte[] body = incremental.render(request("Be thorough.", context));
        byte[] none = incremental.render(request(null, context));

        assertThat(incremental.convertedItems()).isEqualTo(context.size());
        assertThat(ProtocolJson.mapper().readTree(body).get("messages"))
                .isEqualTo(wholeBody(request("Be thorough.", context)).get("messages"));
        assertThat(ProtocolJson.mapper().readTree(none).get("messages"))
                .isEqualTo(wholeBody(request(null, context)).get("messages"));
    }

    @Test
    void anEmptyContextRendersItsInstructionsAlone() {
        ChatCompletionRequest incremental = new ChatCompletionRequest(OPTIONS, KEPT_BYTES);

        assertThat(new String(incremental.render(request(null, List.of())), UTF_8))
                .startsWith("{\"model\":\"up-model\",\"messages\":[],\"stream\":true,");
        assertThat(new String(incremental.render(request("Be brief.", List.of())), UTF_8))
                .startsWith("{\"model\":\"up-model\",\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"}],");
    }

    private static String promptCacheKey(String body) {
        return ProtocolJson.mapper().readTree(body).path("prompt_cache_key").asString();
    }
}
