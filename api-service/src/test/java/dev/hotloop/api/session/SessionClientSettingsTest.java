package dev.hotloop.api.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hotloop.api.SessionServiceFixture;
import dev.hotloop.api.TestApiProperties;
import dev.hotloop.api.config.ApiProperties;
import dev.hotloop.api.context.ContextItem;
import dev.hotloop.api.remote.RemoteClients;
import dev.hotloop.protocol.error.ApiException;
import dev.hotloop.protocol.id.ResponseIds;
import dev.hotloop.protocol.item.Item;
import dev.hotloop.protocol.json.ProtocolJson;
import dev.hotloop.protocol.request.CreateRequestReader;
import dev.hotloop.protocol.response.Response;
import dev.hotloop.session.SessionServiceApplication;
import dev.hotloop.testsupport.TestRedis;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.RetryRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import reactor.test.StepVerifier;
import tools.jackson.databind.node.ObjectNode;

/** The session-service client as api-service configures it from {@code hotloop.api.*}, against real session-services. */
class SessionClientSettingsTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final String TENANT = "acme";

    private final CircuitBreakerRegistry breakers = CircuitBreakerRegistry.ofDefaults();

    @Test
    void contextsAreReadBackWhenARequestMayBeAGigabyte() {
        // four requests' worth is 4 GB: as an int it wrapped to a limit of 0 bytes
        SessionClient client = client(Map.of("max-request-size", "1GB", "session.url", SessionServiceFixture.url()));
        String id = ResponseIds.newChain();

        StepVerifier.create(client.store(TENANT, response(id), List.of(item("hello")), List.of()))
                .expectComplete()
                .verify(TIMEOUT);
        StepVerifier.create(client.context(TENANT, id))
                .assertNext(context -> assertThat(context.items()).hasSize(1))
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void anIdTooLongForTheStoresUrlIsA400NeitherRetriedNorCounted() {
        SessionClient client = client(Map.of("session.url", SessionServiceFixture.url()));
        String longId = "resp_" + "a".repeat(5_000);

        StepVerifier.create(client.context(TENANT, longId))
                .expectErrorSatisfies(
                        error -> assertThat(((ApiException) error).status()).isEqualTo(400))
                .verify(TIMEOUT);
        StepVerifier.create(client.response(TENANT, longId))
                .expectErrorSatisfies(
                        error -> assertThat(((ApiException) error).status()).isEqualTo(400))
                .verify(TIMEOUT);

        CircuitBreaker breaker = client.replicas().all().getFirst().circuitBreaker();
        assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isZero();
        // one attempt each: a refusal is not retried
        assertThat(breaker.getMetrics().getNumberOfBufferedCalls()).isEqualTo(2);
    }

    @Test
    void aRestartOfSessionServiceIsFollowedBySuccessWithinSeconds() {
        int port = freePort();
        ConfigurableApplicationContext sessionService = sessionService(port);
        SessionClient client = client(Map.of("session.url", "http://127.0.0.1:" + port));
        CircuitBreaker breaker = client.replicas().all().getFirst().circuitBreaker();
        StepVerifier.create(client.context(TENANT, ResponseIds.newChain()))
                .expectComplete()
                .verify(TIMEOUT);

        sessionService.close();
        // the outage: calls fail (503) until the breaker opens
        await().atMost(TIMEOUT).pollDelay(Duration.ZERO).until(() -> {
            StepVerifier.create(client.context(TENANT, ResponseIds.newChain()))
                    .expectErrorSatisfies(
                            error -> assertThat(((ApiException) error).status()).isEqualTo(503))
                    .verify(TIMEOUT);
            return breaker.getState() == CircuitBreaker.State.OPEN;
        });

        sessionService = sessionService(port);
        try {
            // the breaker probes again on its own after a few seconds, not after a minute
            await().atMost(Duration.ofSeconds(15))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> client.context(TENANT, ResponseIds.newChain())
                            .hasElement()
                            .map(found -> true)
                            .onErrorReturn(false)
                            .block(TIMEOUT));
            assertThat(breaker.getState()).isIn(CircuitBreaker.State.HALF_OPEN, CircuitBreaker.State.CLOSED);
        } finally {
            sessionService.close();
        }
    }

    private SessionClient client(Map<String, String> properties) {
        ApiProperties bound = TestApiProperties.bind(properties);
        SessionClientConfiguration configuration = new SessionClientConfiguration();
        RemoteClients clients = TestApiProperties.clients(breakers);
        return configuration.sessionClient(
                bound,
                configuration.sessionReplicas(bound, clients),
                clients,
                BulkheadRegistry.ofDefaults(),
                RetryRegistry.ofDefaults());
    }

    private static ConfigurableApplicationContext sessionService(int port) {
        return SessionServiceApplication.builder()
                .run(
                        "--server.port=" + port,
                        "--spring.data.redis.host=" + TestRedis.host(),
                        "--spring.data.redis.port=" + TestRedis.port());
    }

    private static Response response(String id) {
        return Response.start(
                id,
                "m",
                CreateRequestReader.read("{\"model\":\"m\",\"input\":\"hi\"}".getBytes(StandardCharsets.UTF_8)),
                1_763_700_000L);
    }

    private static ContextItem item(String text) {
        ObjectNode message =
                ProtocolJson.nodes().objectNode().put("type", "message").put("role", "user");
        message.putArray("content").addObject().put("type", "input_text").put("text", text);
        return new ContextItem(Item.of(message), 2);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
