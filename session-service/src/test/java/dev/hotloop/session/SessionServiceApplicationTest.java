package dev.hotloop.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hotloop.protocol.id.ResponseIds;
import dev.hotloop.testsupport.TestRedis;
import io.lettuce.core.resource.NettyCustomizer;
import io.netty.bootstrap.Bootstrap;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.springframework.boot.data.redis.autoconfigure.ClientResourcesBuilderCustomizer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Starts the service the way api-service tests and hotloop-local do: through {@link SessionServiceApplication#builder()}. */
class SessionServiceApplicationTest {

    @Test
    void builderStartsTheServiceFromItsOwnConfigFile() {
        try (ConfigurableApplicationContext context = SessionServiceApplication.builder()
                .properties(
                        "server.port=0",
                        "spring.data.redis.host=" + TestRedis.host(),
                        "spring.data.redis.port=" + TestRedis.port(),
                        "hotloop.session.ttl=1h")
                .run()) {
            assertThat(context.getEnvironment().getProperty("spring.application.name"))
                    .isEqualTo("session-service");
            assertThat(context.getBean(SessionProperties.class).ttl()).isEqualTo(Duration.ofHours(1));
            WebTestClient client = client(context);

            client.get()
                    .uri("/actuator/health")
                    .exchange()
                    .expectStatus()
                    .isOk()
                    .expectBody()
                    .jsonPath("$.status")
                    .isEqualTo("UP");
            client.get()
                    .uri("/actuator/prometheus")
                    .exchange()
                    .expectStatus()
                    .isOk()
                    .expectBody(String.class)
                    .value(body -> assertThat(body).contains("application=\"session-service\""));
        }
    }

    /**
     * Spring Data opens its shared Redis connection synchronously on first use. Done by a request, that connect
     * blocked a Netty event loop (for the whole connect timeout while Redis is slow or away) and stalled every
     * request on that loop, even those that never reach Redis.
     */
    @Test
    void unreachableRedisAnswers503InTheOpenAiShapeWithoutConnectingFromAnEventLoop() throws IOException {
        try (ConfigurableApplicationContext context = SessionServiceApplication.builder()
                .sources(ConnectingThreads.class)
                .properties(
                        "server.port=0",
                        "spring.data.redis.host=127.0.0.1",
                        "spring.data.redis.port=" + closedPort(),
                        "spring.data.redis.connect-timeout=1s")
                .run()) {
            for (int request = 0; request < 3; request++) {
                client(context)
                        .get()
                        .uri("/internal/v1/tenants/acme/responses/{id}", ResponseIds.newChain())
                        .exchange()
                        .expectStatus()
                        .isEqualTo(HttpStatus.SERVICE_UNAVAILABLE)
                        .expectHeader()
                        .contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
                        .expectBody()
                        .jsonPath("$.error.type")
                        .isEqualTo("server_error")
                        .jsonPath("$.error.code")
                        .isEqualTo("session_store_unavailable");
            }

            assertThat(context.getBean(ConnectingThreads.class).names)
                    .isNotEmpty()
                    .noneMatch(thread -> thread.startsWith("session-service-http-"));
        }
    }

    /** Records the threads that open Redis connections (Lettuce calls the customizer on the connecting thread). */
    @Configuration(proxyBeanMethods = false)
    static class ConnectingThreads {

        final Set<String> names = ConcurrentHashMap.newKeySet();

        @Bean
        ClientResourcesBuilderCustomizer recordConnectingThreads() {
            return builder -> builder.nettyCustomizer(new NettyCustomizer() {
                @Override
                public void afterBootstrapInitialized(Bootstrap bootstrap) {
                    names.add(Thread.currentThread().getName());
                }
            });
        }
    }

    private static WebTestClient client(ConfigurableApplicationContext context) {
        return WebTestClient.bindToServer()
                .baseUrl("http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port"))
                .responseTimeout(Duration.ofSeconds(10))
                .build();
    }

    /** A loopback port that nothing listens on once this returns. */
    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
