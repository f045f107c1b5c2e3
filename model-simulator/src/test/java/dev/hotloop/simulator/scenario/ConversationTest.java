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

class ConversationTest {

    @Test
    void anEmptyContextIsTheFirstTurn() {
        assertThat(Conversation.of(List.of())).isEqualTo(new Conversation(1, "", "", List.of(), List.of()));
    }

    @Test
    void consecutiveModelItemsFormOneTurn() {
        List<Item> context = List.of(
                user("weather?"),
                item("{\"type\":\"reasoning\",\"summary\":[]}"), assistant("Checking."), call("call_1", "get_weather", "{}"),
                output("call_1", "sunny"),
                assistant("Sunny."),
                user("thanks"));

        assertThat(Conversation.of(context).turn()).isEqualTo(3);
    }

    @Test
    void trailingToolOutputsAreNamedByTheirCalls() {
        List<Item> context = List.of(
                user("run both"),
                call("call_1", "get_weather", "{}"),
                item("{\"type\":\"shell_call\",\"call_id\":\"call_2\",\"action\":{\"commands\":[\"date\"]}}"),
                output("call_1", "sunny"),
                item("{\"type\":\"shell_call_output\",\"call_id\":\"call_2\",\"output\":[{\"stdout\":\"Mon\\n\",\"stderr\":\"\"}]}"),
                output("call_unknown", "lost"));

        Conversation conversation = Conversation.of(context);

        assertThat(conversation.afterToolOutput()).isTrue();
        assertThat(conversation.trailingToolOutputs()).containsExactly(
                new Conversation.ToolOutput("get_weather", "sunny"),
                new Conversation.ToolOutput("shell", "Mon\n"),
                new Conversation.ToolOutput("", "lost"));
        assertThat(conversation.lastToolOutput()).isEqualTo("lost");
    }

    @Test
    void theLastToolOutputOutlivesTheTurnThatAnsweredIt() {
        List<Item> context = List.of(user("weather?"), call("call_1", "get_weather", "{}"), output("call_1", "sunny"),
                assistant("Sunny."), user("and tomorrow?"));

        Conversation conversation = Conversation.of(context);

        assertThat(conversation.afterToolOutput()).isFalse();
        assertThat(conversation.lastToolOutput()).isEqualTo("sunny");
        assertThat(conversation.lastUserMessage()).isEqualTo("and tomorrow?");
    }

    @Test
    void itemTextIsWhatTheModelReads() {
        assertThat(Conversation.textOf(user("hi"))).isEqualTo("hi");
        assertThat(Conversation.textOf(call("call_1", "f", "{\"a\":1}"))).isEqualTo("{\"a\":1}");
        assertThat(Conversation.textOf(output("call_1", "done"))).isEqualTo("done");
        assertThat(Conversation.textOf(item("{\"type\":\"custom_tool_call\",\"call_id\":\"c\",\"name\":\"patch\",\"input\":\"diff\"}")))
                .isEqualTo("diff");
        assertThat(Conversation.textOf(item("{\"type\":\"custom_tool_call_output\",\"call_id\":\"c\",\"output\":[{\"type\":\"input_text\",\"text\":\"ok\"}]}")))
                .isEqualTo("ok");
        assertThat(Conversation.textOf(item("{\"type\":\"reasoning\",\"summary\":[]}"))).isEmpty();
    }
}
