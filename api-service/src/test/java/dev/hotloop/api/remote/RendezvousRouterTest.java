package dev.hotloop.api.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.hotloop.protocol.id.ResponseIds;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Rendezvous hashing over 10,000 chain tags (a fixed seed: the same tags every run). */
class RendezvousRouterTest {

    private static final int CHAINS = 10_000;
    private static final List<Long> CHAIN_KEYS = chainKeys(new Random(20261122));

    @Test
    void everyResponseOfAChainRoutesByTheChainTag() {
        String first = ResponseIds.newChain();
        String continuation = ResponseIds.continuing(ResponseIds.continuing(first));

        assertThat(RendezvousRouter.chainKey(continuation)).isEqualTo(RendezvousRouter.chainKey(first));
        assertThat(RendezvousRouter.chainKey(ResponseIds.newChain())).isNotEqualTo(RendezvousRouter.chainKey(first));
        assertThat(RendezvousRouter.chainKey("resp_malformed")).isEqualTo(RendezvousRouter.chainKey("resp_malformed"));
    }

    @Test
    void orderIsStableAndIndependentOfHowTheReplicasAreListed() {
        List<Replica> replicas = replicas("http://10.0.0.1:8081", "http://10.0.0.2:8081", "http://10.0.0.3:8081");
        List<Replica> reversed = replicas.reversed();

        for (long key : CHAIN_KEYS.subList(0, 1_000)) {
            List<Replica> order = RendezvousRouter.order(key, replicas);
            assertThat(order).containsExactlyInAnyOrderElementsOf(replicas);
            assertThat(RendezvousRouter.order(key, reversed)).isEqualTo(order);
        }
        // a replica's identity is its base URL alone, so every api-service replica computes the same order
        assertThat(RendezvousRouter.seed("http://10.0.0.1:8081"))
                .isEqualTo(replicas.getFirst().seed())
                .isNotEqualTo(RendezvousRouter.seed("http://10.0.0.1:8082"));
    }

    @Test
    void chainsSpreadEvenlyOverTheReplicas() {
        List<Replica> replicas = replicas(
                "http://10.0.0.1:8081",
                "http://10.0.0.2:8081",
                "http://10.0.0.3:8081",
                "http://10.0.0.4:8081",
                "http://10.0.0.5:8081");

        Map<String, Integer> owned = owners(replicas).values().stream()
                .collect(HashMap::new, (counts, owner) -> counts.merge(owner, 1, Integer::sum), Map::putAll);

        // 2,000 expected each; a binomial standard deviation is 40, so 10% is five of them
        assertThat(owned).hasSize(5);
        owned.values()
                .forEach(count -> assertThat(count.doubleValue()).isCloseTo(CHAINS / 5.0, within(CHAINS / 5.0 * 0.1)));
    }

    @Test
    void addingAReplicaMovesAboutOneChainInNAndOnlyToTheNewReplica() {
        List<Replica> three = replicas("http://10.0.0.1:8081", "http://10.0.0.2:8081", "http://10.0.0.3:8081");
        List<Replica> four = new ArrayList<>(three);
        four.add(replica("http://10.0.0.4:8081"));

        Map<Long, String> before = owners(three);
        Map<Long, String> after = owners(four);

        int moved = 0;
        for (long key : CHAIN_KEYS) {
            if (!before.get(key).equals(after.get(key))) {
                moved++;
                assertThat(after.get(key)).isEqualTo("http://10.0.0.4:8081");
            }
        }
        assertThat((double) moved).isCloseTo(CHAINS / 4.0, within(CHAINS / 4.0 * 0.1));
    }

    @Test
    void removingAReplicaMovesOnlyItsChainsEachToItsNextInOrder() {
        List<Replica> three = replicas("http://10.0.0.1:8081", "http://10.0.0.2:8081", "http://10.0.0.3:8081");
        List<Replica> two = three.subList(0, 2);

        for (long key : CHAIN_KEYS) {
            List<Replica> order = RendezvousRouter.order(key, three);
            String owner = RendezvousRouter.order(key, two).getFirst().baseUrl();
            if (order.getFirst().baseUrl().equals("http://10.0.0.3:8081")) {
                // the failover order a call saw before is where the chain lives after
                assertThat(owner).isEqualTo(order.get(1).baseUrl());
            } else {
                assertThat(owner).isEqualTo(order.getFirst().baseUrl());
            }
        }
    }

    private static Map<Long, String> owners(List<Replica> replicas) {
        Map<Long, String> owners = new HashMap<>();
        CHAIN_KEYS.forEach(key ->
                owners.put(key, RendezvousRouter.order(key, replicas).getFirst().baseUrl()));
        return owners;
    }

    private static List<Long> chainKeys(Random random) {
        List<Long> keys = new ArrayList<>(CHAINS);
        byte[] tag = new byte[8];
        for (int i = 0; i < CHAINS; i++) {
            random.nextBytes(tag);
            byte[] rest = new byte[16];
            random.nextBytes(rest);
            keys.add(RendezvousRouter.chainKey(ResponseIds.PREFIX
                    + HexFormat.of().formatHex(tag)
                    + HexFormat.of().formatHex(rest)));
        }
        return List.copyOf(keys);
    }

    private static List<Replica> replicas(String... baseUrls) {
        return replicas(List.of(baseUrls));
    }

    private static List<Replica> replicas(List<String> baseUrls) {
        return baseUrls.stream().map(RendezvousRouterTest::replica).toList();
    }

    private static Replica replica(String baseUrl) {
        return new Replica(baseUrl, RendezvousRouter.seed(baseUrl), CircuitBreaker.ofDefaults(baseUrl));
    }
}
