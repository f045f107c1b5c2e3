package dev.hotloop.session.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hotloop.protocol.id.ChainKeys;
import dev.hotloop.protocol.id.ResponseIds;
import dev.hotloop.session.SessionProperties;
import dev.hotloop.session.SessionServiceIntegrationTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import reactor.test.StepVerifier;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChainLayoutTest extends SessionServiceIntegrationTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @Autowired
    private SharedRedisConnection connection;

    @Autowired
    private ReplicatedWrites writes;

    private List<String> longChain;

    @BeforeAll
    void storeALongChain() {
        longChain = storeChain(200);
    }

    @Test
    void linearChainOfTwoHundredTurnsKeepsOneRangeAndEveryItemInOrder() {
        String last = longChain.getLast();

        List<String> expected = new ArrayList<>();
        for (int turn = 0; turn < 200; turn++) {
            expected.add("t" + turn + "-in");
            expected.add("t" + turn + "-out");
        }
        assertThat(contextTexts(last)).containsExactlyElementsOf(expected);
        assertThat(context(last).get("input_count").intValue()).isEqualTo(399);
        assertThat(context(last).get("depth").intValue()).isEqualTo(200);
        assertThat(field(last, "checkpoint")).isEqualTo("0-399");
        assertThat(field(longChain.get(99), "checkpoint")).isEqualTo("0-199");
        assertThat(field(last, "own")).isEqualTo("398-399");
    }

    @Test
    void eachTurnAppendsOnlyItsNewItems() {
        String first = storeTurn(null, "a");
        String items = keys(first).items();
        assertThat(llen(items)).isEqualTo(2);

        storeTurn(first, "b");

        assertThat(llen(items)).isEqualTo(4);
    }

    @Test
    void branchesOfTheSameParentSeeTheParentContextAndOnlyTheirOwnItems() {
        String root = storeTurn(null, "root");
        String parent = storeTurn(root, "parent");
        String left = storeTurn(parent, "left");
        String right = storeTurn(parent, "right");
        String rightChild = storeTurn(right, "right-child");
        String leftChild = storeTurn(left, "left-child");

        List<String> parentContext = List.of("root-in", "root-out", "parent-in", "parent-out");
        assertThat(contextTexts(left)).containsExactlyElementsOf(concat(parentContext, "left-in", "left-out"));
        assertThat(contextTexts(right)).containsExactlyElementsOf(concat(parentContext, "right-in", "right-out"));
        assertThat(contextTexts(rightChild))
                .containsExactlyElementsOf(
                        concat(parentContext, "right-in", "right-out", "right-child-in", "right-child-out"));
        assertThat(contextTexts(leftChild))
                .containsExactlyElementsOf(
                        concat(parentContext, "left-in", "left-out", "left-child-in", "left-child-out"));
        // the first branch extended the tip; the second starts a range at the list end; so does a late continuation
        assertThat(field(left, "checkpoint")).isEqualTo("0-5");
        assertThat(field(right, "checkpoint")).isEqualTo("0-3,6-7");
        assertThat(field(rightChild, "checkpoint")).isEqualTo("0-3,6-9");
        assertThat(field(leftChild, "checkpoint")).isEqualTo("0-5,10-11");
        assertThat(llen(keys(root).items())).isEqualTo(12);
    }

    @Test
    void rehydratingCostsOneRoundTripWhateverTheChainLength() {
        String shortChain = storeChain(2).getLast();
        String longChain = this.longChain.getLast();
        String branched = storeTurn(storeTurn(storeChain(3).getFirst(), "branch"), "leaf");
        // the first call loads the scripts (EVALSHA, NOSCRIPT, EVAL); measure steady state
        context(shortChain);

        Map<String, Long> shortCost = commandsRunBy(() -> context(shortChain));
        Map<String, Long> longCost = commandsRunBy(() -> context(longChain));
        Map<String, Long> branchedCost = commandsRunBy(() -> context(branched));

        assertThat(longCost).isEqualTo(shortCost);
        assertThat(shortCost).containsEntry("evalsha", 1L).doesNotContainKey("eval");
        assertThat(total(shortCost)).isLessThanOrEqualTo(6);
        // one LRANGE per checkpoint range, still inside the one script call
        assertThat(branchedCost).containsEntry("evalsha", 1L).containsEntry("lrange", 2L);
    }

    @Test
    void readingAResponseCostsOneRoundTripAndReadsOnlyItsOutput() {
        String shortChain = storeChain(2).getLast();
        String longChain = this.longChain.getLast();
        response(shortChain);

        Map<String, Long> shortCost = commandsRunBy(() -> response(shortChain));
        Map<String, Long> longCost = commandsRunBy(() -> response(longChain));

        assertThat(longCost).isEqualTo(shortCost).containsEntry("evalsha", 1L);
    }

    @Test
    void repositoryEmitsNothingForAnAbsentOrMalformedResponseAndAnErrorForAMalformedTurn() {
        SessionProperties properties = SessionProperties.withTtl(Duration.ofMinutes(1));
        ResponseRepository repository =
                new ResponseRepository(redis, connection, writes, new RecordCodec(json), properties);

        StepVerifier.create(repository.findContext(TENANT, ResponseIds.newChain()))
                .expectComplete()
                .verify(TIMEOUT);
        StepVerifier.create(repository.findResponse(TENANT, "resp_nope"))
                .expectComplete()
                .verify(TIMEOUT);
        StepVerifier.create(repository.delete("bad tenant", "resp_nope"))
                .expectNext(false)
                .expectComplete()
                .verify(TIMEOUT);
        EncodedTurn otherChain =
                new EncodedTurn(ResponseIds.newChain(), ResponseIds.newChain(), "{}", List.of(), List.of());
        StepVerifier.create(repository.store(TENANT, otherChain))
                .expectError(IllegalArgumentException.class)
                .verify(TIMEOUT);
    }

    private void response(String id) {
        http.get()
                .uri(RESPONSES + "/{id}", TENANT, id)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.id")
                .isEqualTo(id);
    }

    /** What the action costs in Redis, with the near cache emptied first so that reads reach Redis. */
    private Map<String, Long> commandsRunBy(Runnable action) {
        nearCache.invalidateAll();
        return redisCommandsRunBy(action);
    }

    private static long total(Map<String, Long> calls) {
        return calls.values().stream().mapToLong(Long::longValue).sum();
    }

    private String field(String id, String field) {
        return (String) redis.opsForHash().get(keys(id).record(), field).block(TIMEOUT);
    }

    private long llen(String key) {
        return redis.opsForList().size(key).block(TIMEOUT);
    }

    private static ChainKeys keys(String id) {
        return ChainKeys.of(TENANT, id).orElseThrow();
    }

    private static List<String> concat(List<String> head, String... tail) {
        List<String> all = new ArrayList<>(head);
        all.addAll(List.of(tail));
        return all;
    }
}
