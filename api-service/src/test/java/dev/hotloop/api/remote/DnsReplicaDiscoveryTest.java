package dev.hotloop.api.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.hotloop.api.SessionServiceFixture;
import dev.hotloop.protocol.id.ResponseIds;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import org.junit.jupiter.api.Test;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

class DnsReplicaDiscoveryTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final String PROPERTY = "hotloop.api.session.dns";

    private final CircuitBreakerRegistry breakers = CircuitBreakerRegistry.ofDefaults();
    private final Replicas replicas = new Replicas(breakers::circuitBreaker, breakers::remove);

    @Test
    void everyLookupReplacesTheReplicasAndAFailedOrEmptyOneKeepsThem() throws UnknownHostException {
        Queue<Object> answers = new ArrayDeque<>(List.of(
                addresses("10.0.0.1", "10.0.0.2"),
                new UnknownHostException("session-headless"),
                addresses(),
                addresses("10.0.0.2", "10.0.0.3", "10.0.0.3")));
        DnsReplicaDiscovery discovery = new DnsReplicaDiscovery(
                PROPERTY, URI.create("http://session-headless:8081"), Duration.ofSeconds(10), replicas, host -> {
                    Object answer = answers.remove();
                    if (answer instanceof UnknownHostException e) {
                        throw e;
                    }
                    return (InetAddress[]) answer;
                });

        StepVerifier.create(discovery.refresh())
                .expectNext(List.of("http://10.0.0.1:8081", "http://10.0.0.2:8081"))
                .expectComplete()
                .verify(TIMEOUT);
        StepVerifier.create(discovery.refresh())
                .expectNext(List.of("http://10.0.0.1:8081", "http://10.0.0.2:8081"))
                .expectComplete()
                .verify(TIMEOUT);
        StepVerifier.create(discovery.refresh())
                .expectNext(List.of("http://10.0.0.1:8081", "http://10.0.0.2:8081"))
                .expectComplete()
                .verify(TIMEOUT);
        StepVerifier.create(discovery.refresh())
                .expectNext(List.of("http://10.0.0.2:8081", "http://10.0.0.3:8081"))
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void ipv6AddressesBecomeBracketedHosts() throws UnknownHostException {
        InetAddress v6 = InetAddress.getByName("fd00::5");
        DnsReplicaDiscovery discovery = new DnsReplicaDiscovery(
                PROPERTY, URI.create("http://session-headless:9000"), Duration.ofSeconds(10), replicas, host ->
                        new InetAddress[] {v6});

        StepVerifier.create(discovery.refresh())
                .expectNext(List.of("http://[fd00:0:0:0:0:0:0:5]:9000"))
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void dnsWithoutAPortIsRefusedNamingTheProperty() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new DnsReplicaDiscovery(
                        PROPERTY,
                        URI.create("http://session-headless"),
                        Duration.ofSeconds(10),
                        replicas,
                        InetAddress::getAllByName))
                .withMessageContaining(PROPERTY);
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new DnsReplicaDiscovery(
                        PROPERTY,
                        URI.create("session-headless"),
                        Duration.ofSeconds(10),
                        replicas,
                        InetAddress::getAllByName))
                .withMessageContaining(PROPERTY);
    }

    @Test
    void nameAndPortWithoutASchemeAsTheHelmChartRendersItMeansHttp() {
        DnsReplicaDiscovery discovery = new DnsReplicaDiscovery(
                PROPERTY,
                URI.create("hotloop-session-service-headless:8081"),
                Duration.ofSeconds(10),
                replicas,
                host -> {
                    assertThat(host).isEqualTo("hotloop-session-service-headless");
                    return addresses("10.0.0.7");
                });

        StepVerifier.create(discovery.refresh())
                .expectNext(List.of("http://10.0.0.7:8081"))
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void clientReachesSessionServiceThroughTheJdkResolver() {
        int port = URI.create(SessionServiceFixture.url()).getPort();
        DnsReplicaDiscovery discovery = new DnsReplicaDiscovery(
                PROPERTY,
                URI.create("http://localhost:" + port),
                Duration.ofSeconds(1),
                replicas,
                InetAddress::getAllByName);
        replicas.discoverWith(discovery);
        replicas.start();
        try {
            assertThat(replicas.all()).extracting(Replica::baseUrl).contains("http://127.0.0.1:" + port);
            Mono<String> health = replicas.call(
                    RendezvousRouter.chainKey(ResponseIds.newChain()),
                    (baseUrl, owner) -> WebClient.create()
                            .get()
                            .uri(baseUrl + "/actuator/health")
                            .retrieve()
                            .bodyToMono(String.class));

            StepVerifier.create(health)
                    .assertNext(body -> assertThat(body).contains("UP"))
                    .expectComplete()
                    .verify(TIMEOUT);
        } finally {
            replicas.stop();
        }
    }

    private static InetAddress[] addresses(String... literals) throws UnknownHostException {
        InetAddress[] addresses = new InetAddress[literals.length];
        for (int i = 0; i < literals.length; i++) {
            addresses[i] = InetAddress.getByName(literals[i]);
        }
        return addresses;
    }
}
