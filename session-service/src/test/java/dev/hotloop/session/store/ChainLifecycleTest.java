package dev.hotloop.session.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hotloop.protocol.id.ChainKeys;
import dev.hotloop.session.SessionProperties;
import dev.hotloop.session.SessionServiceIntegrationTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.ScanOptions;
import reactor.test.StepVerifier;

class ChainLifecycleTest extends SessionServiceIntegrationTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @Autowired
    private ResponseRepository repository;

    @Autowired
    private SessionProperties properties;

    @Test
    void deletingAResponseKeepsItsChildrenWhole() {
        List<String> chain = storeChain(3);

        StepVerifier.create(repository.delete(TENANT, chain.get(1)))
                .expectNext(true)
                .expectComplete()
                .verify(TIMEOUT);

        StepVerifier.create(repository.findResponse(TENANT, chain.get(1)))
                .expectComplete()
                .verify(TIMEOUT);
        assertThat(contextTexts(chain.get(2))).containsExactly("t0-in", "t0-out", "t1-in", "t1-out", "t2-in", "t2-out");
        assertThat(contextTexts(chain.get(0))).containsExactly("t0-in", "t0-out");
        String next = storeTurn(chain.get(2), "t3");
        assertThat(contextTexts(next)).hasSize(8);
    }

    @Test
    void deletingTheLastResponseOfAChainRemovesEveryChainKey() {
        List<String> chain = storeChain(3);
        String branch = storeTurn(chain.get(0), "branch");
        ChainKeys keys = keys(chain.get(0));

        for (String id : List.of(chain.get(1), chain.get(0), branch, chain.get(2))) {
            StepVerifier.create(repository.delete(TENANT, id))
                    .expectNext(true)
                    .expectComplete()
                    .verify(TIMEOUT);
        }

        assertThat(keysOfChain(keys)).isEmpty();
        StepVerifier.create(repository.delete(TENANT, chain.get(2)))
                .expectNext(false)
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void deletingALeafFreesItsItemsWithoutShiftingOthers() {
        String parent = storeTurn(null, "parent");
        String first = storeTurn(parent, "first");
        String second = storeTurn(parent, "second");
        ChainKeys keys = keys(parent);

        repository.delete(TENANT, first).block(TIMEOUT);

        // not at the list tail: tombstoned in place, so the second branch's range still holds
        List<String> items =
                redis.opsForList().range(keys.items(), 0, -1).collectList().block(TIMEOUT);
        assertThat(items).hasSize(6);
        assertThat(items.subList(2, 4)).containsOnly("");
        assertThat(contextTexts(second)).containsExactly("parent-in", "parent-out", "second-in", "second-out");

        repository.delete(TENANT, second).block(TIMEOUT);

        // at the tail: trimmed; the first branch's tombstones stay until the chain goes
        assertThat(redis.opsForList().size(keys.items()).block(TIMEOUT)).isEqualTo(4);
        String third = storeTurn(parent, "third");
        assertThat(contextTexts(third)).containsExactly("parent-in", "parent-out", "third-in", "third-out");
    }

    @Test
    void aDeletedParentIsFreedWhenItsLastChildGoes() {
        List<String> chain = storeChain(3);
        ChainKeys keys = keys(chain.get(0));

        repository.delete(TENANT, chain.get(1)).block(TIMEOUT);
        assertThat(redis.opsForList().size(keys.items()).block(TIMEOUT)).isEqualTo(6);

        repository.delete(TENANT, chain.get(2)).block(TIMEOUT);

        assertThat(redis.opsForList().size(keys.items()).block(TIMEOUT)).isEqualTo(2);
        Map<Object, Object> meta = redis.opsForHash()
                .entries(keys.meta())
                .collectMap(Map.Entry::getKey, Map.Entry::getValue)
                .block(TIMEOUT);
        assertThat(meta).containsOnly(Map.entry("live", "1"));
        assertThat(contextTexts(chain.get(0))).containsExactly("t0-in", "t0-out");
    }

    @Test
    void everyKeyOfAChainExpiresAfterTheConfiguredTtl() {
        List<String> chain = storeChain(2);
        ChainKeys first = keys(chain.get(0));
        ChainKeys second = keys(chain.get(1));

        for (String key : List.of(first.record(), second.record(), first.items(), first.meta())) {
            assertThat(ttl(key)).as(key).isBetween(properties.ttl().minusMinutes(1), properties.ttl());
        }
        assertThat(keysOfChain(first))
                .containsExactlyInAnyOrder(first.record(), second.record(), first.items(), first.meta());
    }

    @Test
    void readingAResponseOrItsContextRefreshesTheTtlOfItsRecordAndChain() {
        String id = storeTurn(null, "a");
        ChainKeys keys = keys(id);
        List<String> chainKeys = List.of(keys.record(), keys.items(), keys.meta());

        shortenTtl(chainKeys);
        http.get()
                .uri(RESPONSES + "/{id}", TENANT, id)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.id")
                .isEqualTo(id);
        chainKeys.forEach(key ->
                assertThat(ttl(key)).as(key).isGreaterThan(properties.ttl().minusMinutes(1)));

        shortenTtl(chainKeys);
        context(id);
        chainKeys.forEach(key ->
                assertThat(ttl(key)).as(key).isGreaterThan(properties.ttl().minusMinutes(1)));
    }

    /** Shortens the TTLs and empties the near cache, so that the next read reaches Redis. */
    private void shortenTtl(List<String> keys) {
        nearCache.invalidateAll();
        keys.forEach(key -> redis.expire(key, Duration.ofMinutes(1)).block(TIMEOUT));
        keys.forEach(key -> assertThat(ttl(key)).isLessThanOrEqualTo(Duration.ofMinutes(1)));
    }

    private Duration ttl(String key) {
        return redis.getExpire(key).block(TIMEOUT);
    }

    private List<String> keysOfChain(ChainKeys keys) {
        return redis.scan(ScanOptions.scanOptions()
                        .match(ChainKeys.chainPattern(keys.chainTag()))
                        .build())
                .collectList()
                .block(TIMEOUT);
    }

    private static ChainKeys keys(String id) {
        return ChainKeys.of(TENANT, id).orElseThrow();
    }
}
