package dev.hotloop.api.remote;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.util.unit.DataSize;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.test.StepVerifier;

class RemoteClientsTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Test
    void everyCustomizerTunesTheClientItIsGivenByName() {
        DisposableServer server = HttpServer.create()
                .host("127.0.0.1")
                .port(0)
                .handle((request, response) -> response.sendString(
                        Mono.just(String.valueOf(request.requestHeaders().get("x-client")))))
                .bindNow();
        try {
            HttpClientCustomizer naming =
                    (client, httpClient) -> httpClient.headers(headers -> headers.add("x-client", client));
            RemoteClients clients = new RemoteClients(
                    WebClient::builder,
                    List.of(naming),
                    CircuitBreakerRegistry.ofDefaults(),
                    new SimpleMeterRegistry());
            WebClient http = clients.builder(
                            "tool-runner",
                            pool(),
                            Duration.ofSeconds(2),
                            Duration.ofSeconds(30),
                            Duration.ofSeconds(5),
                            DataSize.ofMegabytes(1))
                    .baseUrl("http://127.0.0.1:" + server.port())
                    .build();

            StepVerifier.create(http.get().retrieve().bodyToMono(String.class))
                    .expectNext("tool-runner")
                    .expectComplete()
                    .verify(TIMEOUT);
        } finally {
            server.disposeNow();
        }
    }

    @Test
    void sizesOfTwoGigabytesOrMoreAreTheLargestCodecLimitNeverANegativeOne() {
        assertThat(RemoteClients.codecLimit(DataSize.ofMegabytes(32))).isEqualTo(32 * 1024 * 1024);
        assertThat(RemoteClients.codecLimit(DataSize.ofGigabytes(2))).isEqualTo(Integer.MAX_VALUE);
        assertThat(RemoteClients.codecLimit(DataSize.ofGigabytes(4))).isEqualTo(Integer.MAX_VALUE);
    }

    private static ConnectionPool pool() {
        return new Binder(new MapConfigurationPropertySource()).bindOrCreate("pool", ConnectionPool.class);
    }
}
