package dev.hotloop.api.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hotloop.localredis.LocalRedis;
import dev.hotloop.localredis.RespClient;
import dev.hotloop.testsupport.TestRedis;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.http.HttpHeaders;
import reactor.core.publisher.Flux;

/** Two limiters ("replicas") sharing one real Redis, and one whose Redis is down. */
class TenantLimiterTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    /** Lettuce's threads, shared by every replica of the test (each set takes seconds to start on a busy machine). */
    private static final ClientResources RESOURCES = DefaultClientResources.create();

    private final List<AutoCloseable> opened = new ArrayList<>();
    private final String tenant = "t-" + UUID.randomUUID();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable closeable : opened.reversed()) {
            closeable.close();
        }
    }

    @AfterAll
    static void stopLettuce() {
        RESOURCES.shutdown();
    }

    @Test
    void replicasShareTheRequestsPerMinute() {
        TenantLimiter first = replica(limits(4, 1_000_000, 10, 10), TestRedis.port());
        TenantLimiter second = replica(limits(4, 1_000_000, 10, 10), TestRedis.port());

        for (TenantLimiter replica : List.of(first, second, first, second)) {
            assertThat(admit(replica, Demand.call()).admitted()).isTrue();
        }
        Grant refused = admit(second, Demand.call());

        assertThat(refused.admitted()).isFalse();
        assertThat(admit(first, Demand.call()).admitted()).isFalse();
        assertThat(refused.refusal().status()).isEqualTo(429);
        assertThat(refused.refusal().error().code()).isEqualTo("rate_limit_exceeded");
        assertThat(refused.refusal().error().type()).isEqualTo("requests");
        assertThat(refused.refusal().error().message())
                .startsWith("Rate limit reached for tenant " + tenant + " on requests per min (RPM): Limit 4, Used 4, "
                        + "Requested 1. Please try again in ");
        HttpHeaders headers = new HttpHeaders();
        refused.writeHeaders(headers);
        assertThat(headers.getFirst("x-ratelimit-limit-requests")).isEqualTo("4");
        assertThat(headers.getFirst("x-ratelimit-remaining-requests")).isEqualTo("0");
        assertThat(headers.getFirst("x-ratelimit-reset-requests")).matches("\\d+(\\.\\d+)?m?s|\\d+m\\d+s");
        assertThat(headers.getFirst("x-ratelimit-limit-tokens")).isEqualTo("1000000");
        assertThat(headers.getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("15");
    }

    @Test
    void concurrentResponsesAreSlotsSharedByReplicasAndFreedOnRelease() {
        TenantLimiter first = replica(limits(100, 1_000_000, 2, 10), TestRedis.port());
        TenantLimiter second = replica(limits(100, 1_000_000, 2, 10), TestRedis.port());
        Grant one = admit(first, Demand.response(100));
        Grant two = admit(second, Demand.response(100));

        Grant third = admit(first, Demand.response(100));

        assertThat(one.admitted()).isTrue();
        assertThat(two.admitted()).isTrue();
        assertThat(third.admitted()).isFalse();
        assertThat(third.refusal().error().message()).contains("on concurrent responses: Limit 2, In progress 2");
        one.release();
        await().atMost(WAIT).until(() -> {
            Grant next = admit(second, Demand.response(100));
            next.release();
            return next.admitted();
        });
    }

    @Test
    void tokensAreChargedByEstimateThenSettledToActualUsage() {
        TenantLimiter replica = replica(limits(100, 1_000, 10, 10), TestRedis.port());
        Grant big = admit(replica, Demand.response(3_600)); // 900 tokens estimated
        assertThat(big.admitted()).isTrue();
        assertThat(admit(replica, Demand.response(800)).refusal().error().type())
                .isEqualTo("tokens");

        big.release(); // no usage reported: the estimate stands
        assertThat(admit(replica, Demand.response(800)).admitted()).isFalse();
        Grant small = admit(replica, Demand.response(40));
        assertThat(small.admitted()).isTrue();
        assertThat(admit(replica, Demand.response(8_000)).refusal().error().message())
                .startsWith("Request too large for tenant " + tenant + " on tokens per min (TPM): Limit 1000, "
                        + "Requested 2000.");
    }

    @Test
    void settlingGivesBackWhatTheEstimateOvercharged() {
        TenantLimiter replica = replica(limits(100, 1_000, 10, 10), TestRedis.port());
        Grant big = admit(replica, Demand.response(3_600));
        big.used(100);
        big.release();

        await().atMost(WAIT).until(() -> {
            Grant next = admit(replica, Demand.response(2_400)); // 600 of the 900 given back
            next.release();
            return next.admitted();
        });
    }

    @Test
    void slotsOfACrashedReplicaExpireWhileALiveReplicaKeepsItsOwn() throws Exception {
        LimitsProperties limits = new LimitsProperties(
                true,
                new LimitsProperties.Limits(100, 1_000_000, 10, 1),
                Map.of(),
                Duration.ofSeconds(1),
                Duration.ofMillis(500),
                Duration.ofSeconds(5));
        TenantLimiter live = replica(limits, TestRedis.port());
        TenantLimiter crashed = replica(limits, TestRedis.port());
        TenantLimiter other = replica(limits, TestRedis.port());
        assertThat(admit(live, Demand.connection()).admitted()).isTrue();

        Thread.sleep(2_500); // more than two lifetimes of a slot: only renewal keeps it
        assertThat(admit(other, Demand.connection()).admitted()).isFalse();

        String second = "t-" + UUID.randomUUID();
        assertThat(crashed.admit(second, Demand.connection()).block(WAIT).admitted())
                .isTrue();
        crashed.destroy(); // stops renewing, never releases
        await().atMost(WAIT).until(() -> {
            Grant next = other.admit(second, Demand.connection()).block(WAIT);
            next.release();
            return next.admitted();
        });
    }

    @Test
    void aSlotReleasedWhileRedisIsSlowIsFreeOnceRedisAnswersAgain() throws Exception {
        try (LocalRedis slow = LocalRedis.startEphemeral()) {
            TenantLimiter replica = replica(limits(100, 1_000_000, 1, 10), slow.port());
            Grant held = admit(replica, Demand.response(100));
            assertThat(held.admitted()).isTrue();

            // Redis stops answering: checks time out (500 ms) until the breaker sends them to this replica alone
            RespClient.of(slow.host(), slow.port(), WAIT).call("CLIENT", "PAUSE", "3000", "ALL");
            Flux.range(0, 6)
                    .flatMap(call -> replica.admit(tenant, Demand.call()))
                    .blockLast(WAIT);
            held.release();

            // the lease (30 s) is far off: only the release frees the slot
            awaitTheOnlySlotFreeInRedis(replica);
        }
    }

    @Test
    void aSlotWhoseCheckWasGivenUpIsFreedBehindIt() {
        try (LocalRedis slow = LocalRedis.startEphemeral()) {
            TenantLimiter replica = replica(limits(100, 1_000_000, 1, 10), slow.port());

            // Redis takes the slot after the check gave up waiting (500 ms) and this replica decided alone
            RespClient.of(slow.host(), slow.port(), WAIT).call("CLIENT", "PAUSE", "1500", "WRITE");
            Grant decidedLocally = admit(replica, Demand.response(100));
            assertThat(decidedLocally.store()).isNotInstanceOf(RedisQuotaStore.class);
            decidedLocally.release();
            // and a check whose caller left before Redis answered
            RespClient.of(slow.host(), slow.port(), WAIT).call("CLIENT", "PAUSE", "1500", "WRITE");
            replica.admit(tenant, Demand.response(100)).subscribe().dispose();

            // the lease (30 s) is far off: only freeing the abandoned slots lets the next response in
            awaitTheOnlySlotFreeInRedis(replica);
        }
    }

    @Test
    void redisDownFailsOpenToThisReplicasOwnLimits() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        TenantLimiter replica = replica(limits(2, 1_000_000, 10, 10), closedPort(), meters, false);

        assertThat(admit(replica, Demand.call()).admitted()).isTrue();
        assertThat(admit(replica, Demand.call()).admitted()).isTrue();
        Grant refused = admit(replica, Demand.call());

        assertThat(refused.admitted()).isFalse();
        assertThat(refused.refusal().error().code()).isEqualTo("rate_limit_exceeded");
        assertThat(meters.counter("hotloop.limits.local_decisions").count()).isEqualTo(3);
        Grant slot = admit(replica, Demand.connection());
        assertThat(slot.admitted()).isFalse(); // the requests bucket is empty locally too
    }

    /** Waits until Redis (not this replica alone) admits a response of a tenant allowed one at a time. */
    private void awaitTheOnlySlotFreeInRedis(TenantLimiter replica) {
        await().atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    Grant next = admit(replica, Demand.response(100));
                    next.release();
                    return next.admitted() && next.store() instanceof RedisQuotaStore;
                });
    }

    private Grant admit(TenantLimiter replica, Demand demand) {
        return replica.admit(tenant, demand).block(WAIT);
    }

    private static LimitsProperties limits(int rpm, int tpm, int responses, int connections) {
        return new LimitsProperties(
                true,
                new LimitsProperties.Limits(rpm, tpm, responses, connections),
                Map.of(),
                Duration.ofSeconds(30),
                Duration.ofMillis(500),
                Duration.ofSeconds(5));
    }

    private TenantLimiter replica(LimitsProperties limits, int redisPort) {
        return replica(limits, redisPort, new SimpleMeterRegistry(), true);
    }

    private TenantLimiter replica(
            LimitsProperties limits, int redisPort, SimpleMeterRegistry meters, boolean reachable) {
        LettuceConnectionFactory factory = new LettuceConnectionFactory(
                new RedisStandaloneConfiguration(TestRedis.host(), redisPort),
                LettuceClientConfiguration.builder().clientResources(RESOURCES).build());
        factory.afterPropertiesSet();
        factory.start();
        opened.add(factory::destroy);
        ReactiveStringRedisTemplate redis = new ReactiveStringRedisTemplate(factory);
        if (reachable) {
            // connected before the first check, which would otherwise be decided locally while Lettuce starts
            redis.execute(connection -> connection.ping()).blockLast(WAIT);
        }
        TenantLimiter limiter = new TenantLimiter(limits, redis, meters);
        if (reachable) {
            limiter.admit("warm-up", Demand.call()).block(WAIT); // loads the script and the classes on the way
        }
        opened.add(limiter::destroy);
        return limiter;
    }

    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
