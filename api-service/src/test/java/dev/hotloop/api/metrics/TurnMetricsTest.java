package dev.hotloop.api.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hotloop.api.PlatformTest;
import dev.hotloop.api.transport.websocket.RawWebSocket;
import dev.hotloop.testsupport.WireSpecs;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/** Every turn is measured by bucket and stage, and a caller can see its own turn's breakdown. */
class TurnMetricsTest extends PlatformTest {

    private static final Duration TOOL_DELAY = Duration.ofMillis(150);
    private static final String TOOLS = ",\"tools\":[{\"type\":\"function\",\"name\":\"lookup\",\"parameters\":"
            + "{\"type\":\"object\",\"properties\":{\"q\":{\"type\":\"string\"}}}}]";

    @Autowired
    private MeterRegistry meters;

    @Test
    void webSocketLoopYieldsTheFourBucketsPerTurnWithSaneRelations() throws Exception {
        Timer clientTool = meters.timer(
                "hotloop.turn.duration", "bucket", "client_tool", "transport", "websocket", "outcome", "completed");
        long clientToolBefore = clientTool.count();
        double clientToolTotalBefore = clientTool.totalTime(TimeUnit.MILLISECONDS);
        try (RawWebSocket socket = RawWebSocket.connect(port, ACME_KEY, "x-hotloop-timing", "1")) {
            socket.send("{\"type\":\"response.create\",\"store\":false,\"tool_choice\":\"required\","
                    + "\"input\":\"look things up\"" + TOOLS + "}");
            JsonNode completed = timed(socket);
            for (int turn = 2; turn <= 10; turn++) {
                String callId = completed.at("/response/output/0/call_id").asString();
                // the client "runs its tool" for a known time before answering
                await().pollDelay(TOOL_DELAY).atMost(TOOL_DELAY.multipliedBy(3)).until(() -> true);
                socket.send("{\"type\":\"response.create\",\"store\":false,\"tool_choice\":\""
                        + (turn < 10 ? "required" : "auto") + "\",\"previous_response_id\":\""
                        + completed.at("/response/id").asString() + "\",\"input\":[{\"type\":\"function_call_output\","
                        + "\"call_id\":\"" + callId + "\",\"output\":\"result " + turn + "\"}]" + TOOLS + "}");
                completed = timed(socket);
            }
        }
        assertThat(clientTool.count() - clientToolBefore).isEqualTo(9);
        double meanClientToolMs = (clientTool.totalTime(TimeUnit.MILLISECONDS) - clientToolTotalBefore) / 9;
        assertThat(meanClientToolMs).isBetween((double) TOOL_DELAY.toMillis(), TOOL_DELAY.toMillis() + 100.0);
    }

    /** Reads one turn's events and checks the timing its terminal event carries. */
    private static JsonNode timed(RawWebSocket socket) throws InterruptedException {
        List<JsonNode> events = socket.until("response.completed");
        JsonNode completed = events.getLast();
        JsonNode timing = completed.path("hotloop_timing");
        double total = timing.path("total_ms").asDouble();
        double model = timing.path("model_ms").asDouble();
        double overhead = timing.path("api_overhead_ms").asDouble();
        assertThat(total).isPositive();
        assertThat(model + overhead).isCloseTo(total, org.assertj.core.data.Offset.offset(0.01));
        double stages = 0;
        for (JsonNode ms : timing.path("stages_ms")) {
            stages += ms.asDouble();
        }
        assertThat(stages).isLessThanOrEqualTo(total + 0.01);
        assertThat(timing.path("stages_ms").has("decode")).isTrue();
        assertThat(timing.path("stages_ms").has("tokenize")).isTrue();
        assertThat(timing.path("stages_ms").has("model_decode")).isTrue();
        assertThat(timing.path("post_processing_ms").asDouble()).isLessThanOrEqualTo(overhead + 0.01);
        // without asking, nothing but the protocol's own fields
        assertThat(events.getFirst().has("hotloop_timing")).isFalse();
        return completed;
    }

    @Test
    void nonStreamedResponsesCarryServerTimingAndMetricsAreExported() throws Exception {
        HttpResponse<String> response = WireSpecs.get()
                .checkHttpResponse(HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(URI.create(baseUrl() + "/responses"))
                                        .header("Authorization", "Bearer " + ACME_KEY)
                                        .header("Content-Type", "application/json")
                                        .POST(HttpRequest.BodyPublishers.ofString("{\"input\":\"time me\"}"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString()));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Server-Timing"))
                .hasValueSatisfying(header -> assertThat(header)
                        .contains("total;dur=", "model;dur=", "overhead;dur=", "persist;dur=", "auth;dur="));
        assertThat(response.body()).doesNotContain("hotloop_timing");
        assertThat(meters.find("hotloop.stage.duration")
                        .tag("stage", "persist")
                        .tag("transport", "http")
                        .timer())
                .isNotNull();
        assertThat(meters.find("hotloop.responses")
                        .tag("status", "completed")
                        .tag("transport", "http")
                        .counter())
                .isNotNull();
        assertThat(meters.find("hotloop.tokens").tag("kind", "output").counter().count())
                .isPositive();
        assertThat(meters.find("resilience4j.circuitbreaker.state").gauges())
                .anySatisfy(gauge -> assertThat(gauge.getId().getTag("name")).startsWith("session-service"));
    }
}
