package dev.hotloop.toolrunner;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.util.FileSystemUtils;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Base of the tests that need the running service on a real port, with real bwrap sandboxes. Every subclass with the
 * same configuration shares one context; each configuration gets its own workspace root.
 */
@SpringBootTest(
        classes = ToolRunnerApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.config.name=" + ToolRunnerApplication.CONFIG_NAME)
@ActiveProfiles("test")
public abstract class ToolRunnerIntegrationTest {

    protected static final String TENANT = "acme";
    protected static final String EXECUTIONS = "/internal/v1/tenants/{tenant}/chains/{chain}/executions";
    /** One root for every context of the test JVM (contexts of different modes keep their own /etc files in it). */
    protected static final Path WORKSPACES = temporaryDirectory("hotloop-ws-");

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> FileSystemUtils.deleteRecursively(WORKSPACES.toFile())));
    }

    @LocalServerPort
    protected int port;

    @Autowired
    protected JsonMapper json;

    @Autowired
    protected ToolsProperties properties;

    protected WebTestClient http;

    @DynamicPropertySource
    static void workspaces(DynamicPropertyRegistry registry) {
        registry.add("hotloop.tools.workspace.root", WORKSPACES::toString);
    }

    @BeforeEach
    void client() {
        http = WebTestClient.bindToServer()
                .baseUrl("http://127.0.0.1:" + port)
                .responseTimeout(Duration.ofSeconds(150))
                .build();
    }

    /** A new chain id, so that tests never share a workspace by accident. */
    protected static String newChain() {
        return "chain-" + UUID.randomUUID().toString().substring(0, 12);
    }

    /** Runs shell commands and returns the 200 body. */
    protected JsonNode shell(String chain, List<String> commands, long timeoutMs) {
        return shell(TENANT, chain, commands, timeoutMs, null);
    }

    protected JsonNode shell(
            String tenant, String chain, List<String> commands, long timeoutMs, Integer maxOutputLength) {
        return execute(tenant, chain, shellRequest(commands, timeoutMs, maxOutputLength))
                .expectStatus()
                .isOk()
                .expectBody(JsonNode.class)
                .returnResult()
                .getResponseBody();
    }

    protected JsonNode shell(String chain, String command) {
        return shell(chain, List.of(command), 10_000);
    }

    protected ObjectNode shellRequest(List<String> commands, long timeoutMs, Integer maxOutputLength) {
        ObjectNode request = json.createObjectNode().put("tool", "shell").put("call_id", "call_" + UUID.randomUUID());
        ObjectNode action = request.putObject("arguments");
        ArrayNode list = action.putArray("commands");
        commands.forEach(list::add);
        action.put("timeout_ms", timeoutMs);
        if (maxOutputLength != null) {
            action.put("max_output_length", maxOutputLength);
        }
        return request;
    }

    protected WebTestClient.ResponseSpec execute(String tenant, String chain, Object body) {
        return http.post()
                .uri(EXECUTIONS, tenant, chain)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange();
    }

    /**
     * Sends an execution over a plain socket and returns without reading the answer; closing the socket is a client
     * that disconnects.
     */
    protected Socket startExecution(String chain, ObjectNode request) throws IOException {
        byte[] body = json.writeValueAsBytes(request);
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        OutputStream out = socket.getOutputStream();
        out.write(("POST /internal/v1/tenants/" + TENANT + "/chains/" + chain + "/executions HTTP/1.1\r\n"
                        + "Host: 127.0.0.1:" + port
                        + "\r\nContent-Type: application/json\r\nAccept: application/json\r\n"
                        + "Content-Length: " + body.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
        return socket;
    }

    /** Runs a configured tool and returns the 200 body. */
    protected JsonNode function(String chain, String tool, ObjectNode arguments) {
        ObjectNode request = json.createObjectNode().put("tool", tool).put("call_id", "call_1");
        request.set("arguments", arguments);
        return execute(TENANT, chain, request)
                .expectStatus()
                .isOk()
                .expectBody(JsonNode.class)
                .returnResult()
                .getResponseBody();
    }

    protected static JsonNode only(JsonNode shellBody) {
        assertThat(shellBody.get("output")).hasSize(1);
        return shellBody.get("output").get(0);
    }

    protected static String stdout(JsonNode entry) {
        return entry.get("stdout").stringValue();
    }

    protected static String stderr(JsonNode entry) {
        return entry.get("stderr").stringValue();
    }

    protected static int exitCode(JsonNode entry) {
        assertThat(entry.get("outcome").get("type").stringValue())
                .as("outcome of %s", entry)
                .isEqualTo("exit");
        return entry.get("outcome").get("exit_code").intValue();
    }

    /** After any attempt, the service must still be healthy and run a normal command. */
    protected void assertServiceHealthy() {
        http.get()
                .uri("/actuator/health")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.status")
                .isEqualTo("UP")
                .jsonPath("$.components.sandbox.status")
                .isEqualTo("UP");
        JsonNode entry = only(shell(newChain(), "echo still-fine"));
        assertThat(stdout(entry)).isEqualTo("still-fine\n");
        assertThat(exitCode(entry)).isZero();
    }

    protected static List<Long> processesWith(String marker) {
        return ProcessTable.processesWith(marker);
    }

    protected static Path temporaryDirectory(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
