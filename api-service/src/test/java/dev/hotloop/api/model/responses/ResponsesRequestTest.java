package dev.hotloop.api.model.responses;

import static dev.hotloop.api.model.upstream.RenderingFixtures.items;
import static dev.hotloop.api.model.upstream.RenderingFixtures.request;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hotloop.api.model.upstream.PromptCacheKeys;
import dev.hotloop.protocol.item.Item;
import dev.hotloop.protocol.item.PassThroughItem;
import dev.hotloop.protocol.json.ProtocolJson;
import dev.hotloop.protocol.model.ModelRequest;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

class ResponsesRequestTest {

    private static final long KEPT_BYTES = 1L << 20;

    /** Turns of an agent loop, each what the context grows by: ids hotloop assigned, and items that keep theirs. */
    private static final List<String> TURNS = List.of("""
            [{"role":"developer","content":"Use the tools."},
             {"type":"message","id":"msg_u1","role":"user","content":[{"type":"input_text","text":"Weather in Paris?"}]}]""", """
            [{"type":"reasoning","id":"rs_1","summary":[],"encrypted_content":"gAAA"},
             {"type":"message","id":"msg_a1","status":"completed","role":"assistant",
              "content":[{"type":"output_text","annotations":[],"text":"Checking \\"Paris\\" é ✓."}]},
             {"type":"function_call","id":"fc_1","status":"completed","call_id":"a","name":"get_weather",
              "arguments":"{\\"city\\":\\"Paris\\"}"}]""", """
            [{"type":"function_call_output","id":"fco_1","call_id":"a","output":[{"type":"input_text","text":"18C"}]},
             {"type":"shell_call","id":"sh_1","call_id":"s","action":{"commands":["date"]}}]""", """
            [{"type":"shell_call_output","call_id":"s","output":[{"stdout":"Mon"}]},
             {"type":"message","role":"assistant","content":[{"type":"output_text","text":"18C on Monday."}]},
             {"role":"user","content":"Thanks!"}]""");

    /** The whole body as one tree, the way it was rendered before rendering was incremental. */
    private static String wholeBody(
            ModelRequest request, boolean store, @Nullable String previousResponseId, int from) {
        ObjectNode body = ProtocolJson.nodes().objectNode().put("model", "up-model");
        if (request.instructions() != null) {
            body.put("instructions", request.instructions());
        }
        if (previousResponseId != null) {
            body.put("previous_response_id", previousResponseId);
        }
        ArrayNode input = body.putArray("input");
        for (Item item : request.context().subList(from, request.context().size())) {
            ObjectNode json = item.json().deepCopy();
            if (!(item instanceof PassThroughItem)) {
                json.remove("id");
            }
            input.add(json);
        }
        body.putArray("tools").add(request.tools().getFirst().json());
        body.set("tool_choice", request.toolChoice().json());
        body.put("parallel_tool_calls", false)
                .put("max_output_tokens", 100)
                .put("temperature", 0.5)
                .put("prompt_cache_key", PromptCacheKeys.of(request))
                .put("store", store)
                .put("stream", true);
        return ProtocolJson.mapper().writeValueAsString(body);
    }

    @Test
    void aContinuationRendersOnlyItsNewItemsAndTheSameBytesAsAWholeRendering() {
        ResponsesRequest incremental = new ResponsesRequest("up-model", true, false, KEPT_BYTES);
        List<Item> context = new ArrayList<>();
        long converted = 0;
        assertThat(new String(incremental.render(request("Be brief.", context), null, 0), UTF_8))
                .isEqualTo(wholeBody(request("Be brief.", context), false, null, 0));
        for (String turn : TURNS) {
            List<Item> added = items(turn);
            context.addAll(added);
            ModelRequest request = request("Be brief.", context);

            byte[] body = incremental.render(request, null, 0);

            converted += added.size();
            assertThat(incremental.convertedItems()).isEqualTo(converted);
            assertThat(new String(body, UTF_8)).isEqualTo(wholeBody(request, false, null, 0));
        }
        assertThat(new String(incremental.render(request("Be brief.", context), null, 0), UTF_8))
                .contains("{\"type\":\"reasoning\",\"id\":\"rs_1\",\"summary\":[],\"encrypted_content\":\"gAAA\"},"
                        + "{\"type\":\"message\",\"status\":\"completed\",\"role\":\"assistant\"")
                .doesNotContain("msg_a1", "fc_1", "fco_1")
                .contains("\"id\":\"sh_1\"");
        assertThat(context.get(3).id()).isEqualTo("msg_a1");
    }

    @Test
    void branchesFromOnePrefixEachRenderTheirOwnItems() {
        ResponsesRequest incremental = new ResponsesRequest("up-model", true, false, KEPT_BYTES);
        List<Item> prefix = new ArrayList<>(items(TURNS.get(0)));
        prefix.addAll(items(TURNS.get(1)));
        incremental.render(request(null, prefix), null, 0);
        for (String branch : List.of(TURNS.get(2), "[{\"role\":\"user\",\"content\":\"Never mind.\"}]")) {
            List<Item> context = new ArrayList<>(prefix);
            context.addAll(items(branch));
            ModelRequest request = request(null, context);

            byte[] body = incremental.render(request, null, 0);

            assertThat(new String(body, UTF_8)).isEqualTo(wholeBody(request, false, null, 0));
        }
        assertThat(incremental.convertedItems()).isEqualTo(prefix.size() + 3);
    }

    @Test
    void otherInstructionsKeepTheRenderedInput() {
        ResponsesRequest incremental = new ResponsesRequest("up-model", true, false, KEPT_BYTES);
        List<Item> context = items(TURNS.get(0));
        incremental.render(request("Be brief.", context), null, 0);

        byte[] body = incremental.render(request("Be thorough.", context), null, 0);

        assertThat(incremental.convertedItems()).isEqualTo(context.size());
        assertThat(new String(body, UTF_8)).isEqualTo(wholeBody(request("Be thorough.", context), false, null, 0));
    }

    @Test
    void aChainedStepSendsTheItemsAfterThePreviousResponseAndKeepsNone() {
        ResponsesRequest chained = new ResponsesRequest("up-model", true, true, KEPT_BYTES);
        List<Item> context = new ArrayList<>(items(TURNS.get(0)));
        context.addAll(items(TURNS.get(1)));
        int covered = context.size();
        context.addAll(items(TURNS.get(2)));
        ModelRequest request = request("Be brief.", context);

        byte[] continued = chained.render(request, "resp_up_1", covered);
        byte[] whole = chained.render(request, null, 0);

        assertThat(new String(continued, UTF_8)).isEqualTo(wholeBody(request, true, "resp_up_1", covered));
        assertThat(new String(whole, UTF_8)).isEqualTo(wholeBody(request, true, null, 0));
        assertThat(chained.convertedItems()).isEqualTo(context.size() - covered + context.size());
    }
}
