package dev.hotloop.protocol.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hotloop.protocol.item.Item;
import dev.hotloop.protocol.request.InputReader;
import java.util.List;
import org.junit.jupiter.api.Test;

class CompactionTest {

    @Test
    void aModelIsSentTheContextFromTheLatestCompactionOn() {
        Item before = InputReader.userText("before");
        Item older = Compaction.item("older");
        Item newer = Compaction.item("newer");
        Item after = InputReader.userText("after");

        assertThat(Compaction.window(List.of(before, older, after, newer, after)))
                .containsExactly(newer, after);
        assertThat(Compaction.window(List.of(before, after))).containsExactly(before, after);
        assertThat(Compaction.window(List.of(older, after))).containsExactly(older, after);
    }

    @Test
    void aSummaryRoundTripsThroughItsItem() {
        assertThat(Compaction.summaryOf(Compaction.item("héllo\nwörld"))).contains("héllo\nwörld");
        assertThat(Compaction.summaryOf(InputReader.userText("not a compaction")))
                .isEmpty();
    }
}
