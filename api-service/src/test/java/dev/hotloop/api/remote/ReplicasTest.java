package dev.hotloop.api.remote;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hotloop.protocol.id.ResponseIds;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplicasTest {

    private final CircuitBreakerRegistry breakers = CircuitBreakerRegistry.ofDefaults();
    private final Replicas replicas = new Replicas(breakers::circuitBreaker, breakers::remove);

    @Test
    void replicasThatStayKeepTheirCircuitBreakerAndThoseThatLeaveLoseIt() {
        replicas.update(List.of("http://10.0.0.2:8081/", "http://10.0.0.1:8081"));
        CircuitBreaker staying = replicas.all().getFirst().circuitBreaker();

        boolean changed = replicas.update(List.of("http://10.0.0.1:8081", "http://10.0.0.3:8081"));

        assertThat(changed).isTrue();
        assertThat(replicas.all())
                .extracting(Replica::baseUrl)
                .containsExactly("http://10.0.0.1:8081", "http://10.0.0.3:8081");
        assertThat(replicas.all().getFirst().circuitBreaker()).isSameAs(staying);
        assertThat(breakers.getAllCircuitBreakers())
                .extracting(CircuitBreaker::getName)
                .containsExactlyInAnyOrder("http://10.0.0.1:8081", "http://10.0.0.3:8081");
        assertThat(replicas.update(List.of("http://10.0.0.3:8081/", "http://10.0.0.1:8081")))
                .isFalse();
    }

    @Test
    void routeListsEveryReplicaOwnerFirst() {
        replicas.update(List.of("http://10.0.0.1:8081", "http://10.0.0.2:8081", "http://10.0.0.3:8081"));
        String id = ResponseIds.newChain();

        List<Replica> route = replicas.route(RendezvousRouter.chainKey(id));

        assertThat(route).containsExactlyInAnyOrderElementsOf(replicas.all());
        assertThat(route).isEqualTo(RendezvousRouter.order(RendezvousRouter.chainKey(id), replicas.all()));
        assertThat(replicas.route(RendezvousRouter.chainKey(ResponseIds.continuing(id))))
                .isEqualTo(route);
    }

    @Test
    void singleReplicaIsTheWebClientsOwnBaseUrl() {
        CircuitBreaker breaker = CircuitBreaker.ofDefaults("one");

        Replicas single = Replicas.single(breaker);

        assertThat(single.route(RendezvousRouter.chainKey(ResponseIds.newChain())))
                .singleElement()
                .satisfies(replica -> {
                    assertThat(replica.baseUrl()).isEmpty();
                    assertThat(replica.circuitBreaker()).isSameAs(breaker);
                });
    }
}
