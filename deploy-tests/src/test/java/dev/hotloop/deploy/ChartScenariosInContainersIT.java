package dev.hotloop.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * Every ci/*-values.yaml scenario, rendered by real Helm, runs as containers of the images bin/build-images built
 * ({@link PodmanCluster}): every pod passes its readiness probe, and an agent loop goes through api-service over HTTP,
 * SSE and WebSocket, with a hosted shell call in the tool-runner container where the scenario enables it and chains
 * spread over every session-service replica where it has several. Run by .ci/run ({@code -Pcontainers}).
 */
class ChartScenariosInContainersIT {

    private static final String TAG = System.getProperty("hotloop.images.tag", "0.1.0-SNAPSHOT");
    private static final String KEY = "sk-containers";
    private static final String REDIS_PASSWORD = "redis-containers";
    private static final Duration READY_WITHIN = Duration.ofMinutes(10);
    private static final List<String> SERVICES =
            List.of("hotloop-api-service", "hotloop-session-service", "hotloop-tool-runner");

    /** The simulated model calls the hosted shell when asked to run a command; otherwise it answers from the input. */
    private static final ConfigMap SIMULATOR = new ConfigMapBuilder()
            .withNewMetadata()
            .withName("hotloop-it-simulator")
            .endMetadata()
            .addToData("scenario.yaml", """
                    steps:
                      - when: { input_contains: "run a command", turn: 1 }
                        emit:
                          - function_call: { name: shell, arguments: { commands: ["echo sandboxed as $(id -u) in $(uname -s)"] } }
                      - when: { after_tool_output: true, input_contains: "command" }
                        emit:
                          - message: "Ran it: {{tool_outputs}}"
                    """)
            .build();

    /** What an installation would set for these images, plus the simulator's script (through extraEnv/extraVolumes). */
    private static final Map<String, Object> INSTALL = installValues();

    /**
     * A client per scenario (JUnit makes an instance per invocation): the next scenario's pods get the addresses of
     * the last one's, and a pooled connection to a removed pod would be reset on its first use.
     */
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @AfterEach
    void closeClient() {
        http.close();
    }

    /** Every scenario, or those named in -Dhotloop.scenarios (e.g. ha,minimal) to rerun a few. */
    static Stream<Named<Path>> scenarios() {
        List<String> only = List.of(System.getProperty("hotloop.scenarios", "").split(","));
        return HotloopChart.scenarios().stream()
                .filter(path -> only.equals(List.of(""))
                        || only.contains(path.getFileName().toString().replace("-values.yaml", "")))
                .map(path -> Named.of(path.getFileName().toString(), path));
    }

    @ParameterizedTest
    @MethodSource("scenarios")
    void podsStartReadyAndServeAnAgentLoop(Path scenario) throws Exception {
        ScenarioValues values = ScenarioValues.of(scenario);
        Map<String, Object> set = new LinkedHashMap<>(INSTALL);
        if (!values.bool("/redis/enabled")) {
            // the managed Redis here speaks plain TCP: TLS to it would need a private CA the test does not make
            set.put("externalRedis.ssl", false);
        }
        Rendered chart = Rendered.of(HotloopChart.template(scenario, set));
        String name = "hotloop-it-" + scenario.getFileName().toString().replace("-values.yaml", "");
        Map<String, Map<String, String>> secrets = Map.of(
                "hotloop-api-keys", Map.of(values.string("/apiKeys/existingSecretKey"), "it:" + KEY),
                "hotloop-redis", Map.of("password", REDIS_PASSWORD),
                "vllm", Map.of("api-key", "unused"));

        try (PodmanCluster cluster =
                new PodmanCluster(name, secrets, Map.of(SIMULATOR.getMetadata().getName(), SIMULATOR))) {
            if (!values.bool("/redis/enabled")) {
                cluster.runOnNetwork(
                        "managed-redis",
                        List.of(values.string("/externalRedis/host")),
                        List.of(
                                "localhost/hotloop/redis:" + TAG,
                                "--port",
                                String.valueOf(values.integer("/externalRedis/port")),
                                "--requirepass",
                                REDIS_PASSWORD,
                                "--save",
                                "",
                                "--appendonly",
                                "no"));
            }
            cluster.start(chart, READY_WITHIN);
            List<PodmanCluster.Pod> apis = cluster.pods("hotloop-api-service");
            assertThat(apis).isNotEmpty();
            try {
                // every service started from its image's AOT cache: a JVM that cannot use it with the flags the chart
                // renders says so ("[aot] Unable to use AOT cache") and starts three times slower
                for (String workload : SERVICES) {
                    for (PodmanCluster.Pod pod : cluster.pods(workload)) {
                        assertThat(cluster.allLogs(pod)).as(pod.container()).doesNotContain("[aot]");
                    }
                }
                for (PodmanCluster.Pod api : apis) {
                    agentLoop(api.uri("http", "").toString(), values.bool("/toolRunner/enabled"));
                }
                List<PodmanCluster.Pod> sessions = cluster.pods("hotloop-session-service");
                assertThat(sessions).hasSize(values.integer("/sessionService/replicas"));
                if (sessions.size() > 1) {
                    String base = apis.getFirst().uri("http", "").toString();
                    for (int chain = 0; chain < 12; chain++) {
                        String first = field(post(base, "{\"input\":\"chain " + chain + "\"}"), "/id");
                        post(base, "{\"input\":\"and then?\",\"previous_response_id\":\"" + first + "\"}");
                    }
                    assertThat(sessions)
                            .as("session-service replicas that served chains")
                            .filteredOn(this::servedApiRequests)
                            .hasSizeGreaterThanOrEqualTo(2);
                }
                // the management port answers; the API port does not serve /actuator
                PodmanCluster.Pod api = apis.getFirst();
                assertThat(get(api.uri("management", "/actuator/prometheus")).body())
                        .contains("jvm_memory_used_bytes");
                assertThat(get(api.uri("http", "/actuator/prometheus")).statusCode())
                        .isIn(401, 404);
            } catch (AssertionError | Exception e) {
                StringBuilder logs = new StringBuilder();
                for (String workload : SERVICES) {
                    cluster.pods(workload)
                            .forEach(pod -> logs.append("\n--- ")
                                    .append(pod.container())
                                    .append('\n')
                                    .append(cluster.logs(pod)));
                }
                throw new AssertionError(e.getMessage() + logs, e);
            }
        }
    }

    /** A chain over HTTP, a streamed turn, a WebSocket turn and, with tool-runner, a hosted shell call. */
    private void agentLoop(String base, boolean hostedShell) throws Exception {
        JsonNode first = json(post(base, "{\"input\":\"Hello, loop!\"}"));
        assertThat(first.at("/status").asString()).isEqualTo("completed");
        JsonNode second = json(post(
                base,
                "{\"input\":\"And then?\",\"previous_response_id\":\""
                        + first.at("/id").asString() + "\"}"));
        assertThat(second.at("/status").asString()).isEqualTo("completed");
        assertThat(second.at("/previous_response_id").asString())
                .isEqualTo(first.at("/id").asString());

        String stream = post(base, "{\"input\":\"Stream this\",\"stream\":true}");
        assertThat(stream)
                .containsPattern("event: ?response\\.output_text\\.delta")
                .containsPattern("event: ?response\\.completed");

        assertThat(webSocketTurn(URI.create(base.replace("http://", "ws://") + "/v1/responses")))
                .contains("\"response.completed\"");

        if (hostedShell) {
            JsonNode shell = json(post(base, "{\"input\":\"run a command\",\"tools\":[{\"type\":\"shell\"}]}"));
            assertThat(shell.at("/status").asString()).isEqualTo("completed");
            assertThat(shell.toString())
                    .contains("shell_call_output")
                    .contains("sandboxed as")
                    .contains("in Linux");
        }
    }

    private String webSocketTurn(URI uri) throws Exception {
        CompletableFuture<String> completed = new CompletableFuture<>();
        WebSocket socket = http.newWebSocketBuilder()
                .header("Authorization", "Bearer " + KEY)
                .buildAsync(uri, new WebSocket.Listener() {
                    private final StringBuilder frame = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        frame.append(data);
                        if (last) {
                            String text = frame.toString();
                            frame.setLength(0);
                            if (text.contains("\"type\":\"response.completed\"")
                                    || text.contains("\"type\":\"error\"")
                                    || text.contains("\"type\":\"response.failed\"")) {
                                completed.complete(text);
                            }
                        }
                        webSocket.request(1);
                        return null;
                    }

                    @Override
                    public void onError(WebSocket webSocket, Throwable error) {
                        completed.completeExceptionally(error);
                    }
                })
                .get(30, TimeUnit.SECONDS);
        socket.sendText("{\"type\":\"response.create\",\"model\":\"hotloop-sim\",\"input\":\"over a WebSocket\"}", true)
                .get();
        String frame = completed.get(60, TimeUnit.SECONDS);
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get();
        return frame;
    }

    /** Whether a session-service replica's API port served requests (its metrics count them by URI). */
    private boolean servedApiRequests(PodmanCluster.Pod session) {
        try {
            return get(session.uri("management", "/actuator/prometheus"))
                    .body()
                    .lines()
                    .anyMatch(line -> line.startsWith("http_server_requests_seconds_count{")
                            && !line.contains("uri=\"/actuator"));
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private String post(String base, String body) throws IOException, InterruptedException {
        String withModel = body.replaceFirst("\\{", "{\"model\":\"hotloop-sim\",");
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(base + "/v1/responses"))
                        .timeout(Duration.ofSeconds(60))
                        .header("Authorization", "Bearer " + KEY)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(withModel))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode())
                .as("POST /v1/responses %s: %s", withModel, response.body())
                .isEqualTo(200);
        return response.body();
    }

    private HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(uri)
                        .timeout(Duration.ofSeconds(30))
                        .header("Authorization", "Bearer " + KEY)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(String body) {
        return ScenarioValues.YAML.readTree(body);
    }

    private static String field(String body, String pointer) {
        return json(body).at(pointer).asString();
    }

    private static Map<String, Object> installValues() {
        Map<String, Object> set = new LinkedHashMap<>();
        set.put("global.imageRegistry", "localhost");
        set.put("image.tag", TAG);
        set.put("image.pullPolicy", "Never");
        set.put("redis.image.repository", "hotloop/redis");
        set.put("redis.image.tag", TAG);
        set.put("apiService.extraEnv[0].name", "HOTLOOP_MODEL_SIMULATOR_SCENARIO");
        set.put("apiService.extraEnv[0].value", "/etc/hotloop/simulator/scenario.yaml");
        set.put("apiService.extraVolumes[0].name", "simulator");
        set.put(
                "apiService.extraVolumes[0].configMap.name",
                SIMULATOR.getMetadata().getName());
        set.put("apiService.extraVolumeMounts[0].name", "simulator");
        set.put("apiService.extraVolumeMounts[0].mountPath", "/etc/hotloop/simulator");
        set.put("apiService.extraVolumeMounts[0].readOnly", true);
        return set;
    }
}
