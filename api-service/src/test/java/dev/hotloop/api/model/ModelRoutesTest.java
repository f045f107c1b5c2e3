package dev.hotloop.api.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hotloop.api.config.ModelProperties;
import dev.hotloop.api.model.routing.RoutedModel;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.RetryRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ByteArrayResource;

/** Route configuration as users write it: defaults, key sources, and the mistakes that must fail at start-up. */
class ModelRoutesTest {

    @Test
    void anUpstreamGetsItsDefaults() {
        ModelProperties properties = TestRoutes.properties(
                Map.of("routes.llama[0].provider", "openai-chat", "routes.llama[0].url", "http://vllm:8000/v1"));

        ModelProperties.Upstream upstream = properties.routes().get("llama").getFirst();
        assertThat(upstream.provider()).isEqualTo(ModelProperties.Provider.OPENAI_CHAT);
        assertThat(upstream.weight()).isEqualTo(1);
        assertThat(upstream.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(upstream.firstTokenTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(upstream.maxTokensField()).isEqualTo("max_tokens");
        assertThat(upstream.developerRole()).isEqualTo("system");
        assertThat(upstream.promptCacheKey()).isTrue();
        assertThat(upstream.previousResponseId()).isFalse();
        assertThat(properties.resilience().maxAttempts()).isEqualTo(3);
        assertThat(properties.resilience().maxRetryAfter()).isEqualTo(Duration.ofSeconds(30));
        assertThat(properties.simulator().enabled(true)).isFalse();
        assertThat(properties.simulator().enabled(false)).isTrue();
    }

    @Test
    void everyConfigurationExampleOfTheReadmeBindsAndBuilds() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        Matcher blocks = Pattern.compile("```yaml\n(.*?)```", Pattern.DOTALL).matcher(readme);
        List<String> routed = new ArrayList<>();
        while (blocks.find()) {
            if (!blocks.group(1).contains("routes:")) {
                continue;
            }
            List<PropertySource<?>> sources = new YamlPropertySourceLoader()
                    .load("readme", new ByteArrayResource(blocks.group(1).getBytes(StandardCharsets.UTF_8)));
            ModelProperties properties = TestRoutes.bind(ConfigurationPropertySources.from(sources));
            ModelRoutes routes = new ModelRoutes(
                    properties.resilience(),
                    null,
                    Map.of("VLLM_API_KEY", "k", "OPENAI_API_KEY", "k")::get,
                    CircuitBreakerRegistry.ofDefaults(),
                    RetryRegistry.ofDefaults(),
                    TestRoutes.CLIENTS,
                    TestRoutes.FIRST);
            properties.routes().forEach((name, upstreams) -> routes.route(name, upstreams));
            assertThat(properties.routes()).containsKey(properties.defaultModel());
            routed.addAll(properties.routes().keySet());
        }
        assertThat(routed).containsExactlyInAnyOrder("qwen", "llama3.1", "gpt-4.1-mini", "gpt-4.1-mini-chat");
    }

    @Test
    void configurationNeverPrintsHeaderValuesOrUserInfo() {
        ModelProperties properties = TestRoutes.properties(Map.of(
                "routes.m[0].provider",
                "openai-responses",
                "routes.m[0].url",
                "https://user:pa55@api.example.com/v1?token=abc",
                "routes.m[0].api-key-env",
                "OPENAI_API_KEY",
                "routes.m[0].headers.X-Secret",
                "s3cr3t"));

        String printed = properties.toString();
        assertThat(printed)
                .contains("https://api.example.com/v1", "OPENAI_API_KEY", "X-Secret")
                .doesNotContain("pa55", "token=abc", "s3cr3t");
    }

    @Test
    void theKeyComesFromTheNamedVariableOrAMountedFile(@TempDir Path secrets) throws IOException {
        Path file = Files.writeString(secrets.resolve("key"), "  sk-from-file\n");

        RoutedModel fromFile = TestRoutes.route(
                "m",
                Map.of(
                        "routes.m[0].provider",
                        "openai-chat",
                        "routes.m[0].url",
                        "http://127.0.0.1:9/v1",
                        "routes.m[0].api-key-file",
                        file.toString()));
        assertThat(fromFile.upstreams()).hasSize(1);

        assertThatThrownBy(() -> TestRoutes.route(
                        "m",
                        Map.of(
                                "routes.m[0].provider",
                                "openai-chat",
                                "routes.m[0].url",
                                "http://127.0.0.1:9/v1",
                                "routes.m[0].api-key-env",
                                "UNSET_KEY")))
                .hasMessage("hotloop.model.routes.m[0].api-key-env names UNSET_KEY, which is not set");
        assertThatThrownBy(() -> TestRoutes.route(
                        "m",
                        Map.of(
                                "routes.m[0].provider",
                                "openai-chat",
                                "routes.m[0].url",
                                "http://127.0.0.1:9/v1",
                                "routes.m[0].api-key-file",
                                secrets.resolve("none").toString())))
                .hasMessageContaining("api-key-file")
                .hasMessageContaining("cannot be read");
        assertThatThrownBy(() -> TestRoutes.route(
                        "m",
                        Map.of(
                                "routes.m[0].provider",
                                "openai-chat",
                                "routes.m[0].url",
                                "http://127.0.0.1:9/v1",
                                "routes.m[0].api-key-file",
                                file.toString(),
                                "routes.m[0].api-key-env",
                                "K"),
                        Map.of("K", "v")))
                .isInstanceOf(BindException.class)
                .hasStackTraceContaining("hotloop.model.routes.m[0]")
                .hasStackTraceContaining("both api-key-env and api-key-file");
    }

    @Test
    void missingOrMistypedSettingsFailAtBindingNamingTheSetting() {
        assertThatThrownBy(() -> TestRoutes.route("m", Map.of("routes.m[0].provider", "openai-chat")))
                .isInstanceOf(BindException.class)
                .hasStackTraceContaining("hotloop.model.routes.m[0]")
                .hasStackTraceContaining("url is missing");
        assertThatThrownBy(() -> TestRoutes.route("m", Map.of("routes.m[0].url", "http://x/v1")))
                .isInstanceOf(BindException.class)
                .hasStackTraceContaining("hotloop.model.routes.m[0]")
                .hasStackTraceContaining("is missing: openai-chat, openai-responses or simulator");
        assertThatThrownBy(() -> TestRoutes.route(
                        "m",
                        Map.of(
                                "routes.m[0].provider",
                                "openai-chat",
                                "routes.m[0].url",
                                "http://x/v1",
                                "routes.m[0].max-tokens-field",
                                "max_token")))
                .isInstanceOf(BindException.class)
                .hasStackTraceContaining("hotloop.model.routes.m[0]")
                .hasStackTraceContaining("must be max_tokens or max_completion_tokens");
        assertThatThrownBy(() -> TestRoutes.route(
                        "m",
                        Map.of(
                                "routes.m[0].provider",
                                "simulator",
                                "routes.m[0].weight",
                                "-1",
                                "routes.m[0].developer-role",
                                "assistant")))
                .isInstanceOf(BindException.class)
                .hasStackTraceContaining("hotloop.model.routes.m[0]")
                .hasStackTraceContaining("must be greater than or equal to 0")
                .hasStackTraceContaining("must be system or developer");
    }

    @Test
    void theSimulatorIsAnUpstreamToo() {
        RoutedModel model = TestRoutes.route("m", Map.of("routes.m[0].provider", "simulator"));

        assertThat(ModelRequests.text(ModelRequests.events(model.stream(ModelRequests.request("{\"input\":\"hi\"}")))))
                .isEqualTo("You said: hi");
    }

    @Test
    void mcpToolsAreHostedUnlessTheUpstreamIsAResponsesApi() {
        assertThat(TestRoutes.route("m", Map.of("routes.m[0].provider", "simulator"))
                        .hostsMcp())
                .isTrue();
        assertThat(TestRoutes.route(
                                "m",
                                Map.of("routes.m[0].provider", "openai-responses", "routes.m[0].url", "http://o:1/v1"))
                        .hostsMcp())
                .isFalse();
        assertThat(TestRoutes.route(
                                "m",
                                Map.of(
                                        "routes.m[0].provider", "openai-responses",
                                        "routes.m[0].url", "http://o:1/v1",
                                        "routes.m[0].mcp", "host"))
                        .hostsMcp())
                .isTrue();
    }

    @Test
    void upstreamsOfARouteMustAgreeOnMcpHosting() {
        assertThatThrownBy(() -> TestRoutes.route(
                        "m",
                        Map.of(
                                "routes.m[0].provider", "simulator",
                                "routes.m[1].provider", "openai-responses",
                                "routes.m[1].url", "http://o:1/v1")))
                .hasMessageContaining("disagree on 'mcp'");
    }
}
