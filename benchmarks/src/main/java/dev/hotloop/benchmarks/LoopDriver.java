package dev.hotloop.benchmarks;

import dev.hotloop.local.LocalPlatform;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;

/**
 * Starts the whole platform, drives a real agent loop through every transport (HTTP, SSE, WebSocket with function
 * calls, compaction, a hosted shell when tool-runner runs, and some refused requests), then prints
 * {@code TARGETS host:port…} (each service's actuator) and keeps serving until its standard input closes, so that a
 * Prometheus can scrape what a real loop produced ({@code observability/check} in .ci/run).
 */
public final class LoopDriver {

    private static final String KEY = "drive-key";
    private static final String TOOLS = ",\"tools\":[{\"type\":\"function\",\"name\":\"lookup\",\"parameters\":"
            + "{\"type\":\"object\",\"properties\":{\"q\":{\"type\":\"string\"}}}}]";

    private final HttpClient http = HttpClient.newHttpClient();
    private final int port;

    private LoopDriver(int port) {
        this.port = port;
    }

    /** The simulator's script: hosted shell calls (one that finishes, one that times out), else its default loop. */
    private static final String SCENARIO = """
            steps:
              - when: { input_contains: "run a command", turn: 1 }
                emit:
                  - function_call: { name: shell, arguments: { commands: ["echo driven"] } }
              - when: { input_contains: "run a slow command", turn: 1 }
                emit:
                  - function_call: { name: shell, arguments: { commands: ["sleep 5"], timeout_ms: 300 } }
              - when: { after_tool_output: true, input_contains: "command" }
                emit:
                  - message: "Ran it: {{tool_outputs}}"
            """;

    public static void main(String[] args) throws Exception {
        Path scenario = Files.createTempFile("hotloop-drive", ".yaml");
        Files.writeString(scenario, SCENARIO);
        try (LocalPlatform platform = LocalPlatform.start(
                "drive:" + KEY,
                "--server.port=0",
                "--hotloop.model.simulator.scenario=" + scenario,
                "--hotloop.model.simulator.time-to-first-token=5ms",
                "--hotloop.model.simulator.tokens-per-second=2000",
                "--logging.level.root=WARN")) {
            LoopDriver driver = new LoopDriver(platform.apiPort());
            driver.drive(platform.toolRunnerPort() > 0);
            StringBuilder targets = new StringBuilder(
                    "TARGETS 127.0.0.1:" + platform.apiPort() + " 127.0.0.1:" + platform.sessionPort());
            if (platform.toolRunnerPort() > 0) {
                targets.append(" 127.0.0.1:").append(platform.toolRunnerPort());
            }
            System.out.println(targets);
            System.out.flush();
            while (System.in.read() != -1) {
                // serve until the caller closes our standard input
            }
        }
    }

    private void drive(boolean hostedTools) throws Exception {
        String previous = null;
        for (int turn = 0; turn < 5; turn++) {
            String body = "{\"input\":\"http turn " + turn + "\""
                    + (previous == null ? "" : ",\"previous_response_id\":\"" + previous + "\"") + "}";
            previous = field(post("/v1/responses", body), "\"id\":\"");
        }
        post("/v1/responses", "{\"input\":\"stream me\",\"stream\":true}");
        post("/v1/responses/compact", "{\"previous_response_id\":\"" + previous + "\"}");
        post("/v1/responses", "{\"input\":\"hi\",\"temperature\":\"hot\"}");
        post("/v1/responses", "{\"input\":\"hi\",\"previous_response_id\":\"resp_missing\"}");
        if (hostedTools) {
            post("/v1/responses", "{\"input\":\"run a command\",\"tools\":[{\"type\":\"shell\"}]}");
            post("/v1/responses", "{\"input\":\"run a slow command\",\"tools\":[{\"type\":\"shell\"}]}");
        }
        webSocketLoop();
    }

    /** Ten turns on one connection: the model calls a function, the "client" answers after a short wait. */
    private void webSocketLoop() throws Exception {
        LinkedBlockingQueue<JsonNode> completed = new LinkedBlockingQueue<>();
        WebSocket socket = http.newWebSocketBuilder()
                .header("Authorization", "Bearer " + KEY)
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/v1/responses"), new TerminalFrames(completed))
                .join();
        socket.sendText(
                        "{\"type\":\"response.create\",\"store\":false,\"input\":\"look it up\",\"tool_choice\":"
                                + "\"required\"" + TOOLS + "}",
                        true)
                .join();
        JsonNode response = completed.poll(30, TimeUnit.SECONDS);
        for (int turn = 2; turn <= 10 && response != null; turn++) {
            TimeUnit.MILLISECONDS.sleep(20);
            socket.sendText(
                            "{\"type\":\"response.create\",\"store\":false,\"tool_choice\":\""
                                    + (turn < 10 ? "required" : "auto") + "\",\"previous_response_id\":\""
                                    + response.at("/response/id").asString()
                                    + "\",\"input\":[{\"type\":\"function_call_output\",\"call_id\":\""
                                    + response.at("/response/output/0/call_id").asString()
                                    + "\",\"output\":\"found " + turn + "\"}]" + TOOLS + "}",
                            true)
                    .join();
            response = completed.poll(30, TimeUnit.SECONDS);
        }
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();
    }

    private String post(String path, String body) throws IOException, InterruptedException {
        return http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                .header("Authorization", "Bearer " + KEY)
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }

    private static String field(String json, String prefix) {
        int start = json.indexOf(prefix);
        return start < 0 ? "" : json.substring(start + prefix.length(), json.indexOf('"', start + prefix.length()));
    }
}
