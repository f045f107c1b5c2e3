package dev.hotloop.simulator.scenario;

import static dev.hotloop.simulator.ModelRequests.assistant;
import static dev.hotloop.simulator.ModelRequests.call;
import static dev.hotloop.simulator.ModelRequests.item;
import static dev.hotloop.simulator.ModelRequests.output;
import static dev.hotloop.simulator.ModelRequests.user;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hotloop.protocol.item.Item;
import java.util.List;
import org.junit.jupiter.api.Test;

class ContextFactsTest {

    @Test
    void anEmptyContextIsTheFirstTurn() {
        assertThat(ContextFacts.of(List.of())).isEqualTo(new ContextFacts(1, "", "", List.of(), List.of()));
    }

    @Test
    void consecutiveModelItemsFormOneTurn() {
        List<Item> context = List.of(
                user("weather?"),
                item("{\"type\":\"reasoning\",\"summary\":[]}"),
                assistant("Checking."),
                call("call_1", "get_weather", "{}"),
                output("call_1", "sunny"),
                assistant("Sunny."),
                user("thanks"));

        assertThat(ContextFacts.of(context).turn()).isEqualTo(3);
    }

    @Test
    void trailingToolOutputsAreNamedByTheirCalls() {
        List<Item> context = List.of(
                user("run both"),
                call("call_1", "get_weather", "{}"),
                item("{\"type\":\"shell_call\",\"call_id\":\"call_2\",\"action\":{\"commands\":[\"date\"]}}"),
                output("call_1", "sunny"),
                item(
                        "{\"type\":\"shell_call_output\",\"call_id\":\"call_2\",\"output\":[{\"stdout\":\"Mon\\n\",\"stderr\":\"\"}]}"),
                output("call_unknown", "lost"));

        ContextFacts facts = ContextFacts.of(context);

        assertThat(facts.afterToolOutput()).isTrue();
        assertThat(facts.trailingToolOutputs())
                .containsExactly(
                        new ContextFacts.ToolOutput("get_weather", "sunny"),
                        new ContextFacts.ToolOutput("shell", "Mon\n"),
                        new ContextFacts.ToolOutput("", "lost"));
        assertThat(facts.lastToolOutput()).isEqualTo("lost");
    }

    @Test
    void theLastToolOutputOutlivesTheTurnThatAnsweredIt() {
        List<Item> context = List.of(
                user("weather?"),
                call("call_1", "get_weather", "{}"),
                output("call_1", "sunny"),
                assistant("Sunny."),
                user("and tomorrow?"));

        ContextFacts facts = ContextFacts.of(context);

        assertThat(facts.afterToolOutput()).isFalse();
        assertThat(facts.lastToolOutput()).isEqualTo("sunny");
        assertThat(facts.lastUserMessage()).isEqualTo("and tomorrow?");
    }

    @Test
    void itemTextIsWhatTheModelReads() {
        assertThat(ContextFacts.textOf(user("hi"))).isEqualTo("hi");
        assertThat(ContextFacts.textOf(call("call_1", "f", "{\"a\":1}"))).isEqualTo("{\"a\":1}");
        assertThat(ContextFacts.textOf(output("call_1", "done"))).isEqualTo("done");
        assertThat(ContextFacts.textOf(item(
                        "{\"type\":\"custom_tool_call\",\"call_id\":\"c\",\"name\":\"patch\",\"input\":\"diff\"}")))
                .isEqualTo("diff");
        assertThat(
                        ContextFacts.textOf(
                                item(
                                        "{\"type\":\"custom_tool_call_output\",\"call_id\":\"c\",\"output\":[{\"type\":\"input_text\",\"text\":\"ok\"}]}")))
                .isEqualTo("ok");
        assertThat(ContextFacts.textOf(item("{\"type\":\"reasoning\",\"summary\":[]}")))
                .isEmpty();
    }
}
