package dev.hotloop.api.context;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hotloop.protocol.model.Compaction;
import dev.hotloop.protocol.request.InputReader;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
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
        assertThat(compacted.windowTokens()).isEqualTo(25);

        Conversation continued = compacted.withInput(List.of(text("next", 3)));
        assertThat(continued.windowTokens()).isEqualTo(28);
        // rehydrated from the store, the same window
        assertThat(Conversation.of(continued.entries()).windowTokens()).isEqualTo(28);
    }

    @Test
    void deferredCountsAreSummedWhenTheWindowIsFirstAskedFor() {
        AtomicInteger counted = new AtomicInteger();
        ContextItem deferred = ContextItem.deferred(InputReader.userText("later"), 5, item -> {
            counted.incrementAndGet();
            return 7;
        });
        Conversation history = Conversation.of(List.of(text("a", 10)));

        Conversation continued = history.withInput(List.of(deferred));
        long weight = continued.weight();
        assertThat(counted).hasValue(0);
        assertThat(continued.uncountedChars()).isEqualTo(5);
        assertThat(continued.countedWindowTokens()).isZero();

        assertThat(continued.windowTokens()).isEqualTo(17);
        assertThat(continued.windowTokens()).isEqualTo(17);
        assertThat(counted).hasValue(1);
        assertThat(continued.uncountedChars()).isZero();
        assertThat(continued.countedWindowTokens()).isEqualTo(17);
        // the cache budget's weight of a conversation never changes under it
        assertThat(continued.weight()).isEqualTo(weight);
    }
}
