package dev.hotloop.api.context;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hotloop.protocol.model.Compaction;
import dev.hotloop.protocol.request.InputReader;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConversationTest {

    private static ContextItem text(String text, int tokens) {
        return new ContextItem(InputReader.userText(text), tokens);
    }

    @Test
    void theWindowCountsTheTokensFromTheLatestCompactionOn() {
        Conversation history = Conversation.of(List.of(text("a", 1_500), text("b", 10)));
        assertThat(history.windowTokens()).isEqualTo(1_510);

        Conversation compacted =
                history.withOutput(List.of(new ContextItem(Compaction.item("a and b"), 20), text("answer", 5)));
        assertThat(compacted.tokens()).isEqualTo(1_535);
        assertThat(compacted.windowTokens()).isEqualTo(25);

        Conversation continued = compacted.withInput(List.of(text("next", 3)));
        assertThat(continued.windowTokens()).isEqualTo(28);
        // rehydrated from the store, the same window
        assertThat(Conversation.of(continued.entries()).windowTokens()).isEqualTo(28);
    }
}
