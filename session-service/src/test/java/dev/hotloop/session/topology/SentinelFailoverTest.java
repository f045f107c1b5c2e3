package dev.hotloop.session.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hotloop.testsupport.TestRedisSentinel;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/** session-service on a primary, a replica and three Sentinels (spring.data.redis.sentinel.*), through a failover. */
class SentinelFailoverTest {

    @Test
    void failoverMidLoopLosesNoAcknowledgedTurn() {
        try (TestRedisSentinel redis = TestRedisSentinel.start();
                ConfigurableApplicationContext service = TurnLoop.startService(
                        "spring.data.redis.sentinel.master=" + TestRedisSentinel.MASTER,
                        "spring.data.redis.sentinel.nodes=" + redis.sentinelNodes())) {
            TurnLoop loop = new TurnLoop(service);
            loop.storeAcknowledged(10, Duration.ofSeconds(10));

            redis.startFailover();
            // the loop goes on while the Sentinels promote the replica and demote the old primary
            loop.storeAcknowledged(10, Duration.ofSeconds(30));
            redis.awaitFailedOver();
            loop.storeAcknowledged(5, Duration.ofSeconds(10));

            loop.assertNothingAcknowledgedLost();
            assertThat(loop.acknowledgedCount()).isEqualTo(25);
        }
    }
}
