package dev.hotloop.protocol.id;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.cluster.SlotHash;
import java.util.LinkedHashSet;
import java.util.SequencedSet;
import org.junit.jupiter.api.Test;

class ChainKeysTest {

    @Test
    void everyKeyOfAChainIsInOneClusterSlotWhateverTheTenant() {
        String first = ResponseIds.newChain();
        String second = ResponseIds.continuing(first);
        SequencedSet<String> keys = new LinkedHashSet<>();
        keys.addAll(ChainKeys.of("acme", first).orElseThrow().readKeys());
        keys.addAll(ChainKeys.of("beta", second).orElseThrow().readKeys());
        int slot = SlotHash.getSlot(keys.getFirst());

        // two records, and the items and meta the chain shares
        assertThat(keys)
                .hasSize(4)
                .allSatisfy(key -> assertThat(SlotHash.getSlot(key)).isEqualTo(slot));
    }

    @Test
    void theSlotIsTheChainTagsSoTheScanPatternFindsEveryKey() {
        ChainKeys keys = ChainKeys.of("acme", ResponseIds.newChain()).orElseThrow();

        assertThat(SlotHash.getSlot(keys.record())).isEqualTo(SlotHash.getSlot(keys.chainTag()));
        assertThat(keys.readKeys())
                .allSatisfy(key -> assertThat(key)
                        .startsWith(ChainKeys.chainPattern(keys.chainTag()).replace("*", "")));
    }

    @Test
    void everyKeyOfAConversationIsInItsTagsSlotAndTheTenantIsPartOfEach() {
        String id = ConversationIds.newConversation();
        ChainKeys.ConversationKeys acme = ChainKeys.conversation("acme", id).orElseThrow();
        ChainKeys.ConversationKeys beta = ChainKeys.conversation("beta", id).orElseThrow();

        assertThat(acme.all())
                .hasSize(3)
                .doesNotHaveDuplicates()
                .allSatisfy(
                        key -> assertThat(SlotHash.getSlot(key)).isEqualTo(SlotHash.getSlot(ConversationIds.tag(id))))
                .allSatisfy(key -> assertThat(key)
                        .startsWith(
                                ChainKeys.chainPattern(ConversationIds.tag(id)).replace("*", "")))
                .doesNotContainAnyElementsOf(beta.all());
        assertThat(ChainKeys.conversation("a:b", id)).isEmpty();
        assertThat(ChainKeys.conversation("acme", "conv_123")).isEmpty();
        assertThat(ChainKeys.conversation("acme", ResponseIds.newChain())).isEmpty();
    }

    @Test
    void aRefNamesItsResponseAgain() {
        ChainKeys keys = ChainKeys.of("acme.eu", ResponseIds.newChain()).orElseThrow();

        assertThat(ChainKeys.ofRef(keys.ref())).contains(keys);
        assertThat(ChainKeys.ofRef("no-colon")).isEmpty();
    }

    @Test
    void malformedTenantsAndIdsOwnNoKeys() {
        String id = ResponseIds.newChain();

        assertThat(ChainKeys.of("acme", id)).isPresent();
        // a tenant the workspaces refuse must own no responses either (it once could, and every tool call was a 400)
        assertThat(ChainKeys.of(".acme", id)).isEmpty();
        assertThat(ChainKeys.of("..", id)).isEmpty();
        assertThat(ChainKeys.of("a:b", id)).isEmpty();
        assertThat(ChainKeys.of("acme", "resp_nothex")).isEmpty();
    }
}
