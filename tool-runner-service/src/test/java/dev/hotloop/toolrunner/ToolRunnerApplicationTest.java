package dev.hotloop.toolrunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.hotloop.toolrunner.sandbox.SandboxProbe;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Starts the service the way hotloop-local and other services' tests will: through {@link ToolRunnerApplication#builder()}. */
class ToolRunnerApplicationTest {

    private static final String SHELL_CALL = """
            {"tool":"shell","call_id":"call_1","arguments":{"commands":["echo hi"]}}""";

    @TempDir
    Path workspaces;

    @Test
    void builderStartsTheServiceFromItsOwnConfigFile() {
        try (ConfigurableApplicationContext context = ToolRunnerApplication.builder()
                .properties(
                        "server.port=0", "hotloop.tools.workspace.root=" + workspaces, "hotloop.tools.workspace.ttl=2h")
                .run()) {
            assertThat(context.getEnvironment().getProperty("spring.application.name"))
                    .isEqualTo("tool-runner-service");
            ToolsProperties properties = context.getBean(ToolsProperties.class);
            assertThat(properties.workspace().ttl()).isEqualTo(Duration.ofHours(2));
            assertThat(properties.execution().defaultTimeout()).isEqualTo(Duration.ofSeconds(30));
            WebTestClient client = client(context);

            client.get()
                    .uri("/actuator/health")
                    .exchange()
                    .expectStatus()
                    .isOk()
                    .expectBody()
                    .jsonPath("$.status")
                    .isEqualTo("UP")
                    .jsonPath("$.components.sandbox.details.sandbox")
                    .isEqualTo("bwrap");
            client.post()
                    .uri("/internal/v1/tenants/t/chains/c/executions")
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(SHELL_CALL)
                    .exchange()
                    .expectStatus()
                    .isOk()
                    .expectBody()
                    .jsonPath("$.output[0].stdout")
                    .isEqualTo("hi\n");
            // an execution's metrics are recorded as its reply completes, so the scrape may briefly precede them
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> client.get()
                            .uri("/actuator/prometheus")
                            .exchange()
                            .expectStatus()
                            .isOk()
                            .expectBody(String.class)
                            .value(body -> assertThat(body)
                                    .contains("application=\"tool-runner-service\"")
                                    .containsPattern(
                                            "hotloop_tool_executions_total\\{[^}]*outcome=\"exit\"[^}]*tool=\"shell\"[^}]*} 1")
                                    .contains("hotloop_tool_duration_seconds_bucket")
                                    .contains("hotloop_tool_executions_active")));
        }
    }

    @Test
    void refusesToStartWithoutBubblewrap() {
        assertThatThrownBy(() -> ToolRunnerApplication.builder()
                        .properties(
                                "server.port=0",
                                "hotloop.tools.workspace.root=" + workspaces,
                                "hotloop.tools.sandbox.bwrap=/nonexistent/bwrap")
                        .run())
                .rootCause()
                .isInstanceOf(SandboxProbe.SandboxUnavailableException.class)
                .hasMessageContaining("bubblewrap ('/nonexistent/bwrap') was not found")
                .hasMessageContaining("hotloop.tools.sandbox.insecure-no-sandbox=true");
    }

    @Test
    void refusesToStartWithoutACgroupWhenOneIsRequired(@TempDir Path notACgroup) {
        assertThatThrownBy(() -> ToolRunnerApplication.builder()
                        .properties(
                                "server.port=0",
                                "hotloop.tools.workspace.root=" + workspaces,
                                "hotloop.tools.sandbox.cgroup.mode=required",
                                "hotloop.tools.sandbox.cgroup.path=" + notACgroup)
                        .run())
                .rootCause()
                .isInstanceOf(SandboxProbe.SandboxUnavailableException.class)
                .hasMessageContaining("hotloop.tools.sandbox.cgroup.mode=required")
                .hasMessageContaining(notACgroup + " is not a cgroup v2 directory");
    }

    @Test
    void insecureModeRunsWithoutBubblewrapAndHealthSaysSo() {
        try (ConfigurableApplicationContext context = ToolRunnerApplication.builder()
                .properties(
                        "server.port=0",
                        "hotloop.tools.workspace.root=" + workspaces,
                        "hotloop.tools.sandbox.bwrap=/nonexistent/bwrap",
                        "hotloop.tools.sandbox.insecure-no-sandbox=true")
                .run()) {
            WebTestClient client = client(context);

            client.get()
                    .uri("/actuator/health")
                    .exchange()
                    .expectStatus()
                    .isOk()
                    .expectBody()
                    .jsonPath("$.status")
                    .isEqualTo("INSECURE")
                    .jsonPath("$.components.sandbox.status")
                    .isEqualTo("INSECURE")
                    .jsonPath("$.components.sandbox.details.sandbox")
                    .isEqualTo("INSECURE")
                    .jsonPath("$.components.sandbox.details.mode")
                    .isEqualTo("insecure");
            client.post()
                    .uri("/internal/v1/tenants/t/chains/c/executions")
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(SHELL_CALL)
                    .exchange()
                    .expectStatus()
                    .isOk()
                    .expectBody()
                    .jsonPath("$.output[0].stdout")
                    .isEqualTo("hi\n");
        }
    }

    private static WebTestClient client(ConfigurableApplicationContext context) {
        return WebTestClient.bindToServer()
                .baseUrl("http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port"))
                .responseTimeout(Duration.ofSeconds(30))
                .build();
    }
}
