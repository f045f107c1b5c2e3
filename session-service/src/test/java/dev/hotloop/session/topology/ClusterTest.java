package dev.hotloop.session.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hotloop.localredis.RespClient;
import dev.hotloop.protocol.id.ChainKeys;
import dev.hotloop.protocol.id.ConversationIds;
import dev.hotloop.session.SessionServiceApplication;
import dev.hotloop.session.cache.NearCache;
import dev.hotloop.session.store.ConversationRepository;
import dev.hotloop.testsupport.TestRedisCluster;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/** session-service on a six-node Redis Cluster (spring.data.redis.cluster.nodes): chains, deletes, invalidation, failover. */
class ClusterTest {

    private static TestRedisCluster redis;

    @BeforeAll
    static void startCluster() {
        redis = TestRedisCluster.start();
    }

    @AfterAll
    static void stopCluster() {
        redis.close();
    }

    @Test
    void failoverOfTheChainsPrimaryMidLoopLosesNoAcknowledgedTurn() {
        try (ConfigurableApplicationContext service =
                TurnLoop.startService("spring.data.redis.cluster.nodes=" + redis.nodes())) {
            TurnLoop loop = new TurnLoop(service);
            loop.storeAcknowledged(10, Duration.ofSeconds(10));

            redis.failOver(redis.primaryOf("hl:{" + loop.chainTag() + "}:items"));
            loop.storeAcknowledged(10, Duration.ofSeconds(30));

            loop.assertNothingAcknowledgedLost();
            assertThat(loop.acknowledgedCount()).isEqualTo(20);
        }
    }

    @Test
    void everyConversationScriptRunsInItsConversationsSlot() {
        try (ConfigurableApplicationContext service = SessionServiceApplication.builder()
                .properties("server.port=0", "spring.data.redis.cluster.nodes=" + redis.nodes())
                .run()) {
            ConversationRepository conversations = service.getBean(ConversationRepository.class);
            String id = ConversationIds.newConversation();
            Duration timeout = Duration.ofSeconds(10);

            assertThat(conversations
                            .create(TurnLoop.TENANT, id, 1L, "{}", List.of(item("a")))
                            .block(timeout))
                    .isEqualTo(new ConversationRepository.Write.Done(0));
            assertThat(conversations
                            .append(TurnLoop.TENANT, id, 0L, List.of(item("b"), item("c")))
                            .block(timeout))
                    .isEqualTo(new ConversationRepository.Write.Done(1));
            assertThat(conversations
                            .findContext(TurnLoop.TENANT, id)
                            .block(timeout)
                            .items())
                    .hasSize(3);
            assertThat(conversations
                            .items(TurnLoop.TENANT, id, 2, false, "")
                            .block(timeout)
                            .hasMore())
                    .isTrue();
            assertThat(conversations.deleteItem(TurnLoop.TENANT, id, "b").block(timeout))
                    .isEqualTo(new ConversationRepository.Write.Done(2));
            assertThat(conversations
                            .updateMetadata(TurnLoop.TENANT, id, "{\"k\":\"v\"}")
                            .block(timeout))
                    .isEqualTo(new ConversationRepository.Write.Done(1));
            assertThat(conversations.delete(TurnLoop.TENANT, id).block(timeout))
                    .isEqualTo(new ConversationRepository.Write.Done(1));
            assertThat(conversations.find(TurnLoop.TENANT, id).blockOptional(timeout))
                    .isEmpty();
        }
    }

    private static ConversationRepository.IdentifiedItem item(String id) {
        return new ConversationRepository.IdentifiedItem(
                id, "{\"tokens\":1,\"item\":{\"type\":\"message\",\"id\":\"" + id + "\"}}");
    }

    @Test
    void invalidationsPublishedOnAnyNodeReachTheNearCacheAndDeletesRunOnTheChainsPrimary() {
        try (ConfigurableApplicationContext service = SessionServiceApplication.builder()
                .properties("server.port=0", "spring.data.redis.cluster.nodes=" + redis.nodes())
                .run()) {
            NearCache cache = service.getBean(NearCache.class);
            await().atMost(Duration.ofSeconds(20)).until(cache::isActive);
            TurnLoop loop = new TurnLoop(service);
            loop.storeAcknowledged(2, Duration.ofSeconds(10));
            String id = loop.lastAcknowledged();

            // PUBLISH reaches subscribers on every node over the cluster bus, whichever node the subscription is on
            for (String node : redis.nodes().split(",")) {
                loop.assertNothingAcknowledgedLost();
                assertThat(cache.context(TurnLoop.TENANT, id))
                        .as("cached after a read")
                        .isNotNull();
                int colon = node.lastIndexOf(':');
                RespClient.of(
                                node.substring(0, colon),
                                Integer.parseInt(node.substring(colon + 1)),
                                Duration.ofSeconds(5))
                        .call("PUBLISH", ChainKeys.INVALIDATIONS, TurnLoop.TENANT + ":" + id);
                await().atMost(Duration.ofSeconds(10)).until(() -> cache.context(TurnLoop.TENANT, id) == null);
            }
            loop.deleteLast();
            loop.assertAbsent(id);
        }
    }
}
