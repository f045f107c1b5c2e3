package dev.hotloop.api.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hotloop.protocol.id.ResponseIds;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

class SessionReplicasTest {

    private final CircuitBreakerRegistry breakers = CircuitBreakerRegistry.ofDefaults();
    private final SessionReplicas replicas = new SessionReplicas(breakers::circuitBreaker, breakers::remove);

    @Test
    void replicasThatStayKeepTheirCircuitBreakerAndThoseThatLeaveLoseIt() {
        replicas.update(List.of("http://10.0.0.2:8081/", "http://10.0.0.1:8081"));
        CircuitBreaker staying = replicas.all().getFirst().circuitBreaker();

        boolean changed = replicas.update(List.of("http://10.0.0.1:8081", "http://10.0.0.3:8081"));

        assertThat(changed).isTrue();
        assertThat(replicas.all()).extracting(SessionReplica::baseUrl).containsExactly("http://10.0.0.1:8081", "http://10.0.0.3:8081");
        assertThat(replicas.all().getFirst().circuitBreaker()).isSameAs(staying);
        assertThat(breakers.getAllCircuitBreakers()).extracting(CircuitBreaker::getName)
                .containsExactlyInAnyOrder("http://10.0.0.1:8081", "http://10.0.0.3:8081");
        assertThat(replicas.update(List.of("http://10.0.0.3:8081/", "http://10.0.0.1:8081"))).isFalse();
    }

    @Test
    void routeListsEveryReplicaOwnerFirst() {
        replicas.update(List.of("http://10.0.0.1:8081", "http://10.0.0.2:8081", "http://10.0.0.3:8081"));
        String id = ResponseIds.newChain();

        List<SessionReplica> route = replicas.route(id);

        assertThat(route).containsExactlyInAnyOrderElementsOf(replicas.all());
        assertThat(route).isEqualTo(RendezvousRouter.order(RendezvousRouter.chainKey(id), replicas.all()));
        assertThat(replicas.route(ResponseIds.continuing(id))).isEqualTo(route);
    }

    @Test
    void singleReplicaIsTheWebClientsOwnBaseUrl() {
        CircuitBreaker breaker = CircuitBreaker.ofDefaults("one");

        SessionReplicas single = SessionReplicas.single(breaker);

        assertThat(single.route(ResponseIds.newChain())).singleElement()
                .satisfies(replica -> {
                    assertThat(replica.baseUrl()).isEmpty();
                    assertThat(replica.circuitBreaker()).isSameAs(breaker);
                });
    }
}
