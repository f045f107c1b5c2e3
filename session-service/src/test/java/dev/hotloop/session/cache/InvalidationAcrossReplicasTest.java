package dev.hotloop.session.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hotloop.localredis.RespClient;
import dev.hotloop.session.SessionServiceApplication;
import dev.hotloop.session.SessionServiceIntegrationTest;
import dev.hotloop.testsupport.TestRedis;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpStatus;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Two replicas on one Redis: this test's shared context (A) and a second one started with
 * {@link SessionServiceApplication#builder()} (B). A delete on one must reach the other's near cache.
 */
class InvalidationAcrossReplicasTest extends SessionServiceIntegrationTest {

    private static final String REPLICA_B = "replica-b";

    private static ConfigurableApplicationContext replicaB;
    private static WebTestClient httpB;
    private static NearCache cacheB;

    @BeforeAll
    static void startReplicaB() {
        replicaB = SessionServiceApplication.builder()
                .properties(
                        "server.port=0",
                        "spring.data.redis.host=" + TestRedis.host(),
                        "spring.data.redis.port=" + TestRedis.port(),
                        "spring.data.redis.client-name=" + REPLICA_B)
                .run();
        httpB = WebTestClient.bindToServer()
                .baseUrl("http://127.0.0.1:" + replicaB.getEnvironment().getProperty("local.server.port"))
                .responseTimeout(Duration.ofSeconds(10))
                .build();
        cacheB = replicaB.getBean(NearCache.class);
    }

    @AfterAll
    static void stopReplicaB() {
        replicaB.close();
    }

    @BeforeEach
    void bothSubscribed() {
        await().until(() -> nearCache.isActive() && cacheB.isActive());
    }

    @Test
    void deleteOnOneReplicaReachesTheOthersNearCache() {
        List<String> chain = storeChain(3);
        String deleted = chain.get(1);
        readOnB(deleted);
        assertThat(redisCommandsRunBy(() -> readOnB(deleted)))
                .as("B serves from its near cache")
                .isEmpty();

        http.delete()
                .uri(RESPONSES + "/{id}", TENANT, deleted)
                .exchange()
                .expectStatus()
                .isNoContent();

        await().untilAsserted(() -> {
            httpB.get()
                    .uri(RESPONSES + "/{id}/context", TENANT, deleted)
                    .exchange()
                    .expectStatus()
                    .isEqualTo(HttpStatus.NOT_FOUND);
            httpB.get()
                    .uri(RESPONSES + "/{id}", TENANT, deleted)
                    .exchange()
                    .expectStatus()
                    .isEqualTo(HttpStatus.NOT_FOUND);
        });
        // only the deleted id goes: its descendant keeps its whole context, its parent stays
        httpB.get()
                .uri(RESPONSES + "/{id}/context", TENANT, chain.get(2))
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.items.length()")
                .isEqualTo(6);
        httpB.get()
                .uri(RESPONSES + "/{id}", TENANT, chain.get(0))
                .exchange()
                .expectStatus()
                .isOk();
    }

    @Test
    void replicaEmptiesItsNearCacheWhenItsSubscriptionIsCut() {
        String id = storeTurn(null, "a");
        // B fills only while its subscription is confirmed (asynchronously, after start-up or a reconnect)
        cachedOnB(id);

        // deletes published while a replica is disconnected never reach it: it must not keep what it had
        killSubscriptionsOf(REPLICA_B);

        await().untilAsserted(() -> {
            assertThat(cacheB.isActive()).isTrue();
            assertThat(cacheB.peekContext(TENANT, id)).isNull();
        });
        cachedOnB(id);
    }

    /** Cuts the pub/sub connections of one replica only (the shared context's keep serving the other tests). */
    private static void killSubscriptionsOf(String clientName) {
        RespClient redis = RespClient.of(TestRedis.host(), TestRedis.port(), Duration.ofSeconds(5));
        for (String client : redis.call("CLIENT", "LIST", "TYPE", "pubsub").split("\n")) {
            if (client.contains(" name=" + clientName + " ")) {
                String id = client.substring(client.indexOf("id=") + 3, client.indexOf(' ', client.indexOf("id=")));
                redis.call("CLIENT", "KILL", "ID", id);
            }
        }
    }

    /** Reads on B until B's near cache holds the context (a read racing a re-subscription does not fill). */
    private static void cachedOnB(String id) {
        await().untilAsserted(() -> {
            readOnB(id);
            assertThat(cacheB.peekContext(TENANT, id)).isNotNull();
        });
    }

    private static void readOnB(String id) {
        httpB.get()
                .uri(RESPONSES + "/{id}/context", TENANT, id)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.response.id")
                .isEqualTo(id);
    }
}
