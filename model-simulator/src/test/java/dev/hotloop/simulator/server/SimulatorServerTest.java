package dev.hotloop.simulator.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.hotloop.protocol.json.ProtocolJson;
import dev.hotloop.simulator.SimulatorSettings;
import dev.hotloop.simulator.scenario.Scenario;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The standalone simulator over real loopback sockets, read with the JDK's HTTP client. */
class SimulatorServerTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String WEATHER_TOOL = """
            {"type":"function","function":{"name":"get_weather","parameters":{"type":"object",
             "properties":{"city":{"type":"string"}},"required":["city"]}}}""";

    private static SimulatorServer server;
    private static SimulatorServer slow;

    @BeforeAll
    static void start() {
        server = SimulatorServer.start(SimulatorSettings.unthrottled());
        slow = SimulatorServer.start(new SimulatorSettings(Duration.ZERO, 20, Scenario.empty()));
    }

    @AfterAll
    static void stop() {
        server.close();
        slow.close();
    }

    @Test
    void streamedChatCompletionEndsWithFinishUsageAndDone() {
        List<String> data = sse(post(server, "/chat/completions", """
                {"model":"m","stream":true,"stream_options":{"include_usage":true},
                 "messages":[{"role":"user","content":"hello there"}]}"""));

        assertThat(data.getLast()).isEqualTo("[DONE]");
        List<JsonNode> chunks = data.subList(0, data.size() - 1).stream()
                .map(ProtocolJson.mapper()::readTree)
                .toList();
        assertThat(chunks.getFirst()
                        .path("choices")
                        .get(0)
                        .path("delta")
                        .path("role")
                        .asString())
                .isEqualTo("assistant");
        StringBuilder text = new StringBuilder();
        chunks.forEach(chunk -> text.append(
                chunk.path("choices").path(0).path("delta").path("content").asString("")));
        assertThat(text).hasToString("You said: hello there");
        assertThat(chunks.get(chunks.size() - 2)
                        .path("choices")
                        .get(0)
                        .path("finish_reason")
                        .asString())
                .isEqualTo("stop");
        JsonNode usage = chunks.getLast().path("usage");
        assertThat(usage.path("prompt_tokens").asInt()).isPositive();
        assertThat(usage.path("completion_tokens").asInt()).isPositive();
    }

    @Test
    void toolCallsStreamWithIndexIdAndNameFirstAndFinishAsToolCalls() {
        List<JsonNode> chunks = sse(post(server, "/chat/completions", """
                {"model":"m","stream":true,"tools":[%s],
                 "messages":[{"role":"user","content":"weather?"}]}""".formatted(WEATHER_TOOL))).stream()
                .filter(data -> !"[DONE]".equals(data))
                .map(ProtocolJson.mapper()::readTree)
                .toList();

        JsonNode first = chunks.stream()
                .map(chunk -> chunk.path("choices")
                        .path(0)
                        .path("delta")
                        .path("tool_calls")
                        .path(0))
                .filter(call -> !call.isMissingNode())
                .findFirst()
                .orElseThrow();
        assertThat(first.path("index").asInt()).isZero();
        assertThat(first.path("id").asString()).startsWith("call_");
        assertThat(first.path("function").path("name").asString()).isEqualTo("get_weather");
        StringBuilder arguments = new StringBuilder();
        chunks.forEach(chunk -> arguments.append(chunk.path("choices")
                .path(0)
                .path("delta")
                .path("tool_calls")
                .path(0)
                .path("function")
                .path("arguments")
                .asString("")));
        assertThat(arguments).hasToString("{\"city\":\"example\"}");
        assertThat(chunks.getLast().path("choices").get(0).path("finish_reason").asString())
                .isEqualTo("tool_calls");
    }

    @Test
    void nonStreamedCompletionAnswersToolOutputsAndCountsTheCachedPrefix() {
        String history = """
                {"role":"user","content":"weather in Paris, prefix test"},
                {"role":"assistant","content":"","tool_calls":[{"id":"call_1","type":"function",
                  "function":{"name":"get_weather","arguments":"{}"}}]},
                {"role":"tool","tool_call_id":"call_1","content":"18C"}""";
        JsonNode first = json(post(server, "/chat/completions", """
                {"model":"prefix-test","tools":[%s],"messages":[%s]}""".formatted(WEATHER_TOOL, history)));
        JsonNode second = json(post(server, "/chat/completions", """
                {"model":"prefix-test","tools":[%s],"messages":[%s,{"role":"assistant","content":"ok"},
                 {"role":"user","content":"and tomorrow?"}]}""".formatted(WEATHER_TOOL, history)));

        assertThat(first.path("choices").get(0).path("message").path("content").asString())
                .isEqualTo("The tool get_weather returned: 18C");
        assertThat(first.path("usage")
                        .path("prompt_tokens_details")
                        .path("cached_tokens")
                        .asInt())
                .isZero();
        assertThat(second.path("usage")
                        .path("prompt_tokens_details")
                        .path("cached_tokens")
                        .asInt())
                .isEqualTo(first.path("usage").path("prompt_tokens").asInt());
    }

    @Test
    void maxTokensCutsTheAnswerWithLength() {
        JsonNode completion = json(post(server, "/chat/completions", """
                {"model":"m","max_tokens":2,"messages":[{"role":"user","content":"a long enough sentence to cut"}]}"""));

        assertThat(completion.path("choices").get(0).path("finish_reason").asString())
                .isEqualTo("length");
        assertThat(completion.path("usage").path("completion_tokens").asInt()).isEqualTo(2);
    }

    @Test
    void responsesStreamAndContinueWithPreviousResponseId() {
        List<JsonNode> events = sse(post(server, "/responses", """
                {"model":"m","stream":true,"input":"remember me"}""")).stream()
                .map(ProtocolJson.mapper()::readTree)
                .toList();
        assertThat(events.getFirst().path("type").asString()).isEqualTo("response.created");
        JsonNode completed = events.getLast();
        assertThat(completed.path("type").asString()).isEqualTo("response.completed");
        assertThat(completed
                        .path("response")
                        .path("output")
                        .get(0)
                        .path("content")
                        .get(0)
                        .path("text")
                        .asString())
                .isEqualTo("You said: remember me");

        JsonNode next = json(post(server, "/responses", """
                {"model":"m","previous_response_id":"%s","input":"again"}""".formatted(
                        completed.path("response").path("id").asString())));
        assertThat(next.path("status").asString()).isEqualTo("completed");
        assertThat(next.path("usage")
                        .path("input_tokens_details")
                        .path("cached_tokens")
                        .asInt())
                .isPositive();

        HttpResponse<String> unknown = post(server, "/responses", """
                {"model":"m","previous_response_id":"resp_unknown","input":"x"}""");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(json(unknown).path("error").path("code").asString()).isEqualTo("previous_response_not_found");
    }

    @Test
    void badRequestsAre400sAndModelsAreListed() {
        HttpResponse<String> bad = post(server, "/chat/completions", "{\"messages\":[{\"role\":\"robot\"}]}");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(json(bad).path("error").path("param").asString()).isEqualTo("messages[0].role");

        HttpResponse<String> models = send(
                HttpRequest.newBuilder(URI.create(server.baseUrl() + "/models")).GET());
        assertThat(json(models).path("data").get(0).path("id").asString()).isEqualTo("hotloop-sim");
    }

    @Test
    void aClientThatHangsUpCancelsTheModel() throws IOException {
        long before = slow.cancelledStreams();
        HttpResponse<InputStream> response;
        try {
            response = HTTP.send(
                    HttpRequest.newBuilder(URI.create(slow.baseUrl() + "/chat/completions"))
                            .header("content-type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("""
                            {"model":"m","stream":true,"messages":[{"role":"user","content":"%s"}]}""".formatted("word ".repeat(100))))
                            .build(),
                    HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        try (InputStream body = response.body()) {
            BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
            assertThat(reader.readLine()).startsWith("data: ");
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> slow.cancelledStreams() == before + 1);
    }

    @Test
    void optionsParseDurationsAndRejectUnknownOnes() {
        SimulatorServer.ServerOptions options = SimulatorServer.ServerOptions.parse(
                "--port=9000", "--ttft=250ms", "--tokens-per-second=65", "--models=a,b");
        assertThat(options.port()).isEqualTo(9000);
        assertThat(options.ttft()).isEqualTo(Duration.ofMillis(250));
        assertThat(options.models()).containsExactly("a", "b");
        assertThat(SimulatorServer.ServerOptions.duration("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThatThrownBy(() -> SimulatorServer.ServerOptions.parse("--prot=1"))
                .hasMessageContaining("--prot=1");
    }

    private static HttpResponse<String> post(SimulatorServer target, String path, String body) {
        return send(HttpRequest.newBuilder(URI.create(target.baseUrl() + path))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode json(HttpResponse<String> response) {
        return ProtocolJson.mapper().readTree(response.body());
    }

    private static List<String> sse(HttpResponse<String> response) {
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).contains("text/event-stream");
        List<String> data = new ArrayList<>();
        for (String line : response.body().split("\n")) {
            if (line.startsWith("data: ")) {
                data.add(line.substring(6));
            }
        }
        return data;
    }
}
