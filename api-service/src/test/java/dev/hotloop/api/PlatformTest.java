package dev.hotloop.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseOutputItem;
import com.openai.models.responses.ResponseOutputMessage;
import dev.hotloop.api.limits.LimitedTenants;
import dev.hotloop.testsupport.TestRedis;
import dev.hotloop.testsupport.WireSpecs;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import org.junit.jupiter.api.AfterEach;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of the end-to-end tests: api-service on a random port in front of a real session-service and a real
 * Redis, the simulator unthrottled. Every subclass shares one Spring context (keep the configuration identical).
 */
@SpringBootTest(
        classes = ApiServiceApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.config.name=api-service",
            "hotloop.security.api-keys=" + PlatformTest.ACME + ":" + PlatformTest.ACME_KEY + "," + PlatformTest.OTHER
                    + ":" + PlatformTest.OTHER_KEY + "," + LimitedTenants.API_KEYS,
            LimitedTenants.RPM,
            LimitedTenants.SOLO,
            LimitedTenants.METERED,
            LimitedTenants.NOISY_RPM,
            LimitedTenants.NOISY_TPM,
            LimitedTenants.NOISY_RESPONSES,
            LimitedTenants.REDIS_DECIDES,
            LimitedTenants.COUNTED_RPM,
            LimitedTenants.SERIAL_RESPONSES,
            "hotloop.model.simulator.time-to-first-token=0ms",
            "hotloop.model.simulator.tokens-per-second=0",
            "hotloop.model.simulator.scenario=src/test/resources/test-scenario.yaml",
            "hotloop.api.max-request-size=1MB",
            // acme may reach the MCP servers the tests start on loopback; other tenants only public addresses
            "hotloop.api.mcp.tenant-allowed-urls.acme=http://127.0.0.1",
            "hotloop.api.mcp.call-timeout=3s",
            // background responses run only on the replicas their tests start (this one fails those of dead replicas)
            "hotloop.api.background.workers=0",
            "management.tracing.sampling.probability=1.0"
        })
@Import(PlatformTest.Spans.class)
public abstract class PlatformTest {

    public static final String ACME = "acme";
    public static final String ACME_KEY = "sk-acme-test-key";
    public static final String OTHER = "other";
    public static final String OTHER_KEY = "sk-other-test-key";
    public static final String MODEL = "hotloop-sim";

    @LocalServerPort
    protected int port;

    /** api-service's context exports its spans to the JVM's shared in-memory exporter too. */
    @TestConfiguration(proxyBeanMethods = false)
    static class Spans {

        @Bean
        InMemorySpanExporter testSpanExporter() {
            return TestSpans.EXPORTER;
        }
    }

    @DynamicPropertySource
    static void sessionService(DynamicPropertyRegistry registry) {
        registry.add("hotloop.api.session.url", SessionServiceFixture::url);
        registry.add("hotloop.api.tool-runner.url", ToolRunnerFixture::url);
        registry.add("spring.data.redis.host", TestRedis::host);
        registry.add("spring.data.redis.port", TestRedis::port);
    }

    protected String baseUrl() {
        return "http://127.0.0.1:" + port + "/v1";
    }

    /**
     * The official OpenAI Java SDK, validating every response it reads, never retrying, on a transport that holds what
     * it receives to the published specifications.
     */
    protected OpenAIClient client(String apiKey) {
        return SpecCheckedTransport.client(baseUrl(), apiKey);
    }

    /** A violation a client's reader thread swallowed still fails the test that provoked it. */
    @AfterEach
    void everythingReceivedConformed() {
        assertThat(WireSpecs.get().takeViolations()).isEmpty();
    }

    protected OpenAIClient client() {
        return client(ACME_KEY);
    }

    /** The text of all output messages, as the SDKs' {@code output_text} convenience gives it. */
    protected static String outputText(Response response) {
        StringBuilder text = new StringBuilder();
        response.output().stream()
                .filter(ResponseOutputItem::isMessage)
                .flatMap(item -> item.asMessage().content().stream())
                .filter(ResponseOutputMessage.Content::isOutputText)
                .forEach(content -> text.append(content.asOutputText().text()));
        return text.toString();
    }
}
