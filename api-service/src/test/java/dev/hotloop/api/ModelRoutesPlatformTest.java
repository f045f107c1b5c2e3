package dev.hotloop.api;

import com.openai.client.OpenAIClient;
import dev.hotloop.testsupport.TestRedis;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of the end-to-end tests of real model providers: api-service on a random port with routes to upstreams over
 * real sockets (the standalone simulator as an OpenAI chat and Responses server, an unreachable one, one that fails
 * mid-stream), and no embedded simulator. Every subclass shares one Spring context (keep the configuration identical).
 */
@SpringBootTest(
        classes = ApiServiceApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.config.name=api-service",
            "hotloop.security.api-keys=" + PlatformTest.ACME + ":" + PlatformTest.ACME_KEY,
            "hotloop.model.default-model=sim-chat",
            "hotloop.model.resilience.backoff=10ms"
        })
public abstract class ModelRoutesPlatformTest {

    private static final int CLOSED_PORT = closedPort();

    @LocalServerPort
    protected int port;

    // a list property is bound from one property source only, so every route is given here in full
    @DynamicPropertySource
    static void upstreams(DynamicPropertyRegistry registry) {
        registry.add("hotloop.api.session.url", SessionServiceFixture::url);
        registry.add("spring.data.redis.host", TestRedis::host);
        registry.add("spring.data.redis.port", TestRedis::port);
        registry.add("hotloop.model.routes.sim-chat[0].provider", () -> "openai-chat");
        registry.add("hotloop.model.routes.sim-chat[0].url", UpstreamFixtures::simulatorUrl);
        registry.add("hotloop.model.routes.sim-chat[0].upstream-model", () -> "hotloop-sim");
        registry.add("hotloop.model.routes.sim-responses[0].provider", () -> "openai-responses");
        registry.add("hotloop.model.routes.sim-responses[0].url", UpstreamFixtures::simulatorUrl);
        registry.add("hotloop.model.routes.unreachable[0].provider", () -> "openai-chat");
        registry.add("hotloop.model.routes.unreachable[0].url", () -> "http://127.0.0.1:" + CLOSED_PORT + "/v1");
        registry.add("hotloop.model.routes.flaky[0].provider", () -> "openai-chat");
        registry.add("hotloop.model.routes.flaky[0].url", UpstreamFixtures::flakyUrl);
    }

    /** The official OpenAI Java SDK, validating every response it reads, never retrying. */
    protected OpenAIClient client() {
        return SpecCheckedTransport.client("http://127.0.0.1:" + port + "/v1", PlatformTest.ACME_KEY);
    }

    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
