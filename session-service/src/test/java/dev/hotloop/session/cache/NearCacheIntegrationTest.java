package dev.hotloop.session.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hotloop.session.SessionServiceIntegrationTest;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import tools.jackson.databind.JsonNode;

/** The near cache in front of the real Redis: what a hit costs, what a store fills, and that it matches Redis. */
class NearCacheIntegrationTest extends SessionServiceIntegrationTest {

    @Autowired
    private MeterRegistry meters;

    @BeforeEach
    void subscribed() {
        await().until(nearCache::isActive);
    }

    @Test
    void cachedReadsRunNoRedisCommand() {
        String id = storeChain(3).getLast();
        context(id);
        double hits = hits();

        Map<String, Long> commands = redisCommandsRunBy(() -> {
            context(id);
            response(id);
        });

        assertThat(commands).isEmpty();
        assertThat(hits() - hits).isEqualTo(2);
    }

    @Test
    void storingAContinuationOfACachedContextCachesItsContextWithoutReadingIt() {
        String first = storeTurn(null, "a");
        AtomicReference<String> second = new AtomicReference<>();

        Map<String, Long> storeCost = redisCommandsRunBy(() -> second.set(storeTurn(first, "b")));

        // the store's one script call, and no read after it
        assertThat(storeCost).containsEntry("evalsha", 1L).doesNotContainKey("lrange");
        assertThat(redisCommandsRunBy(
                        () -> assertThat(contextTexts(second.get())).containsExactly("a-in", "a-out", "b-in", "b-out")))
                .isEmpty();
    }

    @Test
    void contextBuiltAtStoreTimeIsWhatRedisReturns() {
        List<String> chain = storeChain(4);
        String branch = storeTurn(chain.get(1), "branch");
        List<JsonNode> cached = List.of(context(chain.getLast()), context(branch));

        nearCache.invalidateAll();

        assertThat(List.of(context(chain.getLast()), context(branch))).isEqualTo(cached);
        assertThat(contextTexts(branch))
                .containsExactly("t0-in", "t0-out", "t1-in", "t1-out", "branch-in", "branch-out");
    }

    @Test
    void continuationOfAnUncachedParentIsFilledOnItsFirstRead() {
        String first = storeTurn(null, "a");
        nearCache.invalidateAll();
        String second = storeTurn(first, "b");
        double misses = misses();

        assertThat(redisCommandsRunBy(() -> context(second))).containsEntry("evalsha", 1L);
        assertThat(redisCommandsRunBy(() -> context(second))).isEmpty();
        assertThat(misses() - misses).isEqualTo(1);
    }

    @Test
    void responseReadFillsOnlyTheResponseAndAContextReadStillReachesRedis() {
        String id = storeTurn(null, "a");
        nearCache.invalidateAll();

        response(id);
        assertThat(redisCommandsRunBy(() -> response(id))).isEmpty();
        assertThat(redisCommandsRunBy(() -> context(id))).containsEntry("evalsha", 1L);
        assertThat(redisCommandsRunBy(() -> response(id))).isEmpty();
    }

    @Test
    void deleteDropsTheResponseButNotItsDescendants() {
        List<String> chain = storeChain(3);
        context(chain.get(1));

        http.delete()
                .uri(RESPONSES + "/{id}", TENANT, chain.get(1))
                .exchange()
                .expectStatus()
                .isNoContent();

        http.get()
                .uri(RESPONSES + "/{id}/context", TENANT, chain.get(1))
                .exchange()
                .expectStatus()
                .isNotFound();
        http.get()
                .uri(RESPONSES + "/{id}", TENANT, chain.get(1))
                .exchange()
                .expectStatus()
                .isNotFound();
        assertThat(redisCommandsRunBy(() -> contextTexts(chain.get(2)))).isEmpty();
        assertThat(contextTexts(chain.get(2))).containsExactly("t0-in", "t0-out", "t1-in", "t1-out", "t2-in", "t2-out");
    }

    @Test
    void metricsAreExposedWithTheTierTag() {
        http.get()
                .uri("/actuator/prometheus")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(String.class)
                .value(body -> assertThat(body)
                        .contains(
                                "hotloop_cache_requests_total{application=\"session-service\",result=\"hit\",tier=\"near\"}")
                        .contains("hotloop_cache_evictions_total{application=\"session-service\",tier=\"near\"}")
                        .contains("hotloop_cache_entries{application=\"session-service\",tier=\"near\"}")
                        .contains("hotloop_cache_weight_bytes{application=\"session-service\",tier=\"near\"}"));
    }

    private void response(String id) {
        http.get()
                .uri(RESPONSES + "/{id}", TENANT, id)
                .accept(MediaType.APPLICATION_JSON)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.id")
                .isEqualTo(id);
    }

    private double hits() {
        return meters.get("hotloop.cache.requests")
                .tag("tier", "near")
                .tag("result", "hit")
                .counter()
                .count();
    }

    private double misses() {
        return meters.get("hotloop.cache.requests")
                .tag("tier", "near")
                .tag("result", "miss")
                .counter()
                .count();
    }
}
