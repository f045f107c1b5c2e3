package dev.hotloop.simulator.reply;

import static dev.hotloop.simulator.ModelRequests.NONE;
import static dev.hotloop.simulator.ModelRequests.REQUIRED;
import static dev.hotloop.simulator.ModelRequests.forced;
import static dev.hotloop.simulator.ModelRequests.function;
import static dev.hotloop.simulator.ModelRequests.output;
import static dev.hotloop.simulator.ModelRequests.request;
import static dev.hotloop.simulator.ModelRequests.user;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hotloop.protocol.item.Item;
import dev.hotloop.protocol.tool.Tool;
import dev.hotloop.protocol.tool.ToolChoice;
import dev.hotloop.simulator.scenario.Scenario;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplyPlannerTest {

    private static final List<Tool> TOOLS = List.of(
            function(
                    "search",
                    "{\"type\":\"object\",\"properties\":{\"query\":{\"type\":\"string\"}},\"required\":[\"query\"]}"),
            function(
                    "fetch",
                    "{\"type\":\"object\",\"properties\":{\"url\":{\"type\":\"string\"},\"retries\":{\"type\":\"integer\",\"minimum\":2}},"
                            + "\"required\":[\"url\",\"retries\"]}"));
    private static final List<Item> HELLO = List.of(user("hello"));
    private static final ReplyPlanner DEFAULT = new ReplyPlanner(Scenario.empty());

    @Test
    void unnamedCallsGoToTheDefaultFunctionWithArgumentsFromItsSchema() {
        ReplyPlanner planner = planner("steps: [ { emit: [ function_call: {} ] } ]");

        assertThat(planner.plan(request(HELLO, TOOLS)))
                .singleElement()
                .isInstanceOfSatisfying(Reply.FunctionCall.class, call -> {
                    assertThat(call.name()).isEqualTo("search");
                    assertThat(call.arguments()).isEqualTo("{\"query\":\"example\"}");
                });
        assertThat(planner.plan(request(HELLO, TOOLS, forced("fetch"), true, null)))
                .singleElement()
                .isInstanceOfSatisfying(
                        Reply.FunctionCall.class,
                        call -> assertThat(call.arguments()).isEqualTo("{\"url\":\"example\",\"retries\":2}"));
    }

    @Test
    void unnamedCallsAreDroppedWithoutAFunctionTool() {
        ReplyPlanner planner = planner("steps: [ { emit: [ message: 'Calling.', function_call: {} ] } ]");

        assertThat(planner.plan(request(HELLO))).containsExactly(new Reply.Message("Calling."));
    }

    @Test
    void scriptedArgumentsAreSentAsWritten() {
        ReplyPlanner planner = planner("""
                steps:
                  - emit:
                      - function_call: { name: fetch, arguments: { url: "https://example.com" } }
                      - function_call: { name: unknown_tool, arguments: '{"broken": ' }
                """);

        assertThat(planner.plan(request(HELLO, TOOLS)))
                .extracting(reply -> ((Reply.FunctionCall) reply).arguments())
                .containsExactly("{\"url\":\"https://example.com\"}", "{\"broken\": ");
    }

    @Test
    void scriptedRepliesAreUsedAsWrittenEvenWhenACallIsRequired() {
        ReplyPlanner planner = planner("steps: [ { emit: [ message: 'No tools today.' ] } ]");

        assertThat(planner.plan(request(HELLO, TOOLS, REQUIRED, true, null)))
                .containsExactly(new Reply.Message("No tools today."));
    }

    @Test
    void toolChoiceNoneDropsScriptedCallsAndFallsBackToTheDefaultMessage() {
        ReplyPlanner planner = planner("""
                steps:
                  - when: { input_contains: both }
                    emit: [ message: "Searching.", function_call: { name: search } ]
                  - emit: [ function_call: { name: search } ]
                """);

        assertThat(planner.plan(request(List.of(user("both")), TOOLS, NONE, true, null)))
                .containsExactly(new Reply.Message("Searching."));
        assertThat(planner.plan(request(HELLO, TOOLS, NONE, true, null)))
                .containsExactly(new Reply.Message("You said: hello"));
    }

    @Test
    void messagesRenderingEmptyAreDropped() {
        ReplyPlanner planner = planner("steps: [ { emit: [ message: '{{last_tool_output}}' ] } ]");

        assertThat(planner.plan(request(HELLO))).containsExactly(new Reply.Message("You said: hello"));
    }

    @Test
    void longQuotesAreCutAtWholeCharacters() {
        String input = "😀".repeat(ReplyPlanner.QUOTE_LIMIT + 1);

        assertThat(DEFAULT.plan(request(List.of(user(input)))))
                .containsExactly(new Reply.Message("You said: " + "😀".repeat(ReplyPlanner.QUOTE_LIMIT) + "…"));
    }

    @Test
    void defaultMessagesWithoutUserInputOrKnownCall() {
        assertThat(DEFAULT.plan(request(List.of())))
                .containsExactly(new Reply.Message("Hello from the hotloop simulated model."));
        assertThat(DEFAULT.plan(
                        request(List.of(user("x"), output("call_gone", "42")), TOOLS, ToolChoice.AUTO, true, null)))
                .containsExactly(new Reply.Message("The tool returned: 42"));
    }

    private static ReplyPlanner planner(String yaml) {
        return new ReplyPlanner(Scenario.parse(yaml, Scenario.Format.YAML));
    }
}
