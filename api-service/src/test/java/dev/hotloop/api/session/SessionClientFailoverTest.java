package dev.hotloop.api.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hotloop.api.SessionServiceFixture;
import dev.hotloop.api.context.ContextItem;
import dev.hotloop.api.remote.RemoteFailures;
import dev.hotloop.api.remote.RendezvousRouter;
import dev.hotloop.api.remote.Replicas;
import dev.hotloop.protocol.error.ApiException;
import dev.hotloop.protocol.id.ResponseIds;
import dev.hotloop.protocol.item.Item;
import dev.hotloop.protocol.json.ProtocolJson;
import dev.hotloop.protocol.request.CreateRequestReader;
import dev.hotloop.protocol.response.Response;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.test.StepVerifier;
import tools.jackson.databind.node.ObjectNode;

/** Failover between replicas, against a real session-service and loopback ports that nothing listens on. */
class SessionClientFailoverTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final String TENANT = "acme";

    private final CircuitBreakerRegistry breakers = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
            .recordException(RemoteFailures::isDependencyFailure)
            .build());
    private final Replicas replicas = new Replicas(breakers::circuitBreaker, breakers::remove);
    private final AtomicInteger failovers = new AtomicInteger();
    private final SessionClient client = new SessionClient(
            WebClient.create(),
            replicas,
            Bulkhead.ofDefaults("test"),
            Retry.of("read", RetryConfig.custom().maxAttempts(1).build()));

    {
        replicas.onFailover(failovers::incrementAndGet);
    }

    @Test
    void turnsOfAChainWhoseReplicaIsDownAreStoredAndReadOnItsNextReplica() throws IOException {
        String dead = deadReplica();
        replicas.update(List.of(dead, SessionServiceFixture.url()));
        String first = chainOwnedBy(dead);
        String second = ResponseIds.continuing(first);

        StepVerifier.create(client.store(TENANT, response(first, null), List.of(item("hello")), List.of()))
                .expectComplete()
                .verify(TIMEOUT);
        StepVerifier.create(client.store(TENANT, response(second, first), List.of(item("again")), List.of()))
                .expectComplete()
                .verify(TIMEOUT);
        StepVerifier.create(client.context(TENANT, second))
                .assertNext(context -> assertThat(context.items()).hasSize(2))
                .expectComplete()
                .verify(TIMEOUT);
        StepVerifier.create(client.delete(TENANT, first))
                .expectNext(true)
                .expectComplete()
                .verify(TIMEOUT);

        assertThat(failovers).hasValue(4);
    }

    @Test
    void replicaWithAnOpenCircuitIsSkippedWithoutAConnectionAttempt() throws IOException {
        String dead = deadReplica();
        replicas.update(List.of(dead, SessionServiceFixture.url()));
        CircuitBreaker deadBreaker = replicas.route(RendezvousRouter.chainKey(chainOwnedBy(dead)))
                .getFirst()
                .circuitBreaker();
        deadBreaker.transitionToOpenState();

        StepVerifier.create(client.context(TENANT, chainOwnedBy(dead)))
                .expectComplete()
                .verify(TIMEOUT);

        assertThat(deadBreaker.getMetrics().getNumberOfNotPermittedCalls()).isEqualTo(1);
        assertThat(deadBreaker.getMetrics().getNumberOfFailedCalls()).isZero();
        assertThat(failovers).hasValue(1);
    }

    @Test
    void answersOfAReachedReplicaAreNeverSentToAnother() throws IOException {
        String dead = deadReplica();
        replicas.update(List.of(dead, SessionServiceFixture.url()));
        String live = chainOwnedBy(SessionServiceFixture.url());
        String unknownParent = ResponseIds.continuing(live);

        StepVerifier.create(client.store(
                        TENANT, response(ResponseIds.continuing(live), unknownParent), List.of(item("x")), List.of()))
                .expectErrorSatisfies(error ->
                        assertThat(((ApiException) error).error().code()).isEqualTo("previous_response_not_found"))
                .verify(TIMEOUT);

        assertThat(failovers).hasValue(0);
        // a 404 says nothing about the replica's health
        assertThat(replicas.route(RendezvousRouter.chainKey(live))
                        .getFirst()
                        .circuitBreaker()
                        .getMetrics()
                        .getNumberOfFailedCalls())
                .isZero();
    }

    @Test
    void everyReplicaUnreachableIs503() throws IOException {
        replicas.update(List.of(deadReplica(), deadReplica()));

        StepVerifier.create(client.context(TENANT, ResponseIds.newChain()))
                .expectErrorSatisfies(error -> {
                    ApiException unavailable = (ApiException) error;
                    assertThat(unavailable.status()).isEqualTo(503);
                    assertThat(unavailable.error().code()).isEqualTo("session_store_unavailable");
                })
                .verify(TIMEOUT);
        assertThat(failovers).hasValue(1);
    }

    /** A new chain's first id whose chain this replica owns. */
    private String chainOwnedBy(String baseUrl) {
        String id;
        do {
            id = ResponseIds.newChain();
        } while (!replicas.route(RendezvousRouter.chainKey(id))
                .getFirst()
                .baseUrl()
                .equals(baseUrl));
        return id;
    }

    private static Response response(String id, @Nullable String previousId) {
        String request = previousId == null
                ? "{\"model\":\"m\",\"input\":\"hi\"}"
                : "{\"model\":\"m\",\"input\":\"hi\",\"previous_response_id\":\"" + previousId + "\"}";
        return Response.start(
                id, "m", CreateRequestReader.read(request.getBytes(StandardCharsets.UTF_8)), 1_763_700_000L);
    }

    private static ContextItem item(String text) {
        ObjectNode message =
                ProtocolJson.nodes().objectNode().put("type", "message").put("role", "user");
        message.putArray("content").addObject().put("type", "input_text").put("text", text);
        return new ContextItem(Item.of(message), 2);
    }

    /** A loopback port that nothing listens on once this returns. */
    private static String deadReplica() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "http://127.0.0.1:" + socket.getLocalPort();
        }
    }
}
