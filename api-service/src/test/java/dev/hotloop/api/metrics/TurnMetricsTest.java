package dev.hotloop.api.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.openai.core.JsonValue;
import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
import com.openai.models.responses.FunctionShellTool;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseStreamEvent;
import com.openai.models.responses.ToolChoiceOptions;
import dev.hotloop.api.PlatformTest;
import dev.hotloop.api.SdkTools;
import dev.hotloop.api.ToolRunnerFixture;
import dev.hotloop.api.transport.websocket.RawWebSocket;
import dev.hotloop.testsupport.WireSpecs;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * Every turn is measured once, by stage and by the four buckets, which add up to the turn's wall time on every
 * transport: the client's tool time included when the turn answers a response's function calls. A caller can see its
 * own turn's breakdown.
 */
class TurnMetricsTest extends PlatformTest {

    private static final Duration TOOL_DELAY = Duration.ofMillis(150);
    private static final int TURNS = 4;
    private static final List<String> BUCKETS =
            List.of("model_inference", "api_overhead", "client_tool", "post_processing");
    private static final String TOOLS = ",\"tools\":[{\"type\":\"function\",\"name\":\"lookup\",\"parameters\":"
            + "{\"type\":\"object\",\"properties\":{\"q\":{\"type\":\"string\"}}}}]";
    private static final Pattern SERVER_TIMING = Pattern.compile("([a-z_]+);dur=([0-9.]+)");

    @Autowired
    private MeterRegistry meters;

    /** One turn's buckets as the caller saw them, in ms. */
    private record Buckets(double total, double model, double overhead, double clientTool, double postProcessing) {

        static Buckets of(JsonNode timing) {
            return new Buckets(
                    timing.path("total_ms").asDouble(),
                    timing.path("model_ms").asDouble(),
                    timing.path("api_overhead_ms").asDouble(),
                    timing.path("client_tool_ms").asDouble(),
                    timing.path("post_processing_ms").asDouble());
        }

        static Buckets ofServerTiming(String header) {
            Map<String, Double> entries = new HashMap<>();
            Matcher entry = SERVER_TIMING.matcher(header);
            while (entry.find()) {
                entries.put(entry.group(1), Double.parseDouble(entry.group(2)));
            }
            return new Buckets(
                    entries.get("total"),
                    entries.get("model"),
                    entries.get("overhead"),
                    entries.get("client_tool"),
                    entries.get("post_processing"));
        }

        static Buckets ofAdditional(Map<String, JsonValue> properties) {
            Map<?, ?> timing = properties.get("hotloop_timing").convert(Map.class);
            return new Buckets(
                    ms(timing, "total_ms"),
                    ms(timing, "model_ms"),
                    ms(timing, "api_overhead_ms"),
                    ms(timing, "client_tool_ms"),
                    ms(timing, "post_processing_ms"));
        }

        private static double ms(Map<?, ?> timing, String field) {
            return ((Number) timing.get(field)).doubleValue();
        }

        /**
         * The buckets add up to the total, which lies within what the client saw: from its request that the turn's
         * wall time may start from (the previous one's, when the turn answers its function calls) to its answer.
         */
        void partition(long clientObservedNanos, boolean answersCalls) {
            assertThat(model + overhead + clientTool + postProcessing).isCloseTo(total, within(1e-6));
            assertThat(model).isPositive();
            assertThat(postProcessing).isPositive();
            assertThat(overhead).isPositive();
            assertThat(total).isLessThanOrEqualTo(clientObservedNanos / 1e6);
            if (answersCalls) {
                assertThat(clientTool).isGreaterThanOrEqualTo(TOOL_DELAY.toMillis());
            } else {
                assertThat(clientTool).isZero();
            }
        }
    }

    /** Every bucket's count and total time (ms) on one transport, over all outcomes. */
    private Map<String, double[]> bucketMeters(String transport) {
        Map<String, double[]> totals = new HashMap<>();
        for (String bucket : BUCKETS) {
            double[] sums = new double[2];
            for (Timer timer : meters.find("hotloop.turn.duration")
                    .tag("transport", transport)
                    .tag("bucket", bucket)
                    .timers()) {
                sums[0] += timer.count();
                sums[1] += timer.totalTime(TimeUnit.MILLISECONDS);
            }
            totals.put(bucket, sums);
        }
        return totals;
    }

    /** The meters of {@code turns} turns: one sample in each bucket per turn, their times adding up to the totals. */
    private void meteredLikeSeen(Map<String, double[]> before, String transport, int turns, double totalMs) {
        Map<String, double[]> after = bucketMeters(transport);
        double recorded = 0;
        for (String bucket : BUCKETS) {
            assertThat(after.get(bucket)[0] - before.get(bucket)[0]).as(bucket).isEqualTo(turns);
            recorded += after.get(bucket)[1] - before.get(bucket)[1];
        }
        // the caller's figures are rounded to microseconds
        assertThat(recorded).isCloseTo(totalMs, within(turns * 0.001));
    }

    @Test
    void webSocketChainBucketsPartitionEveryTurn() throws Exception {
        Map<String, double[]> before = bucketMeters("websocket");
        double totals = 0;
        try (RawWebSocket socket = RawWebSocket.connect(port, ACME_KEY, "x-hotloop-timing", "1")) {
            long sent = System.nanoTime();
            socket.send("{\"type\":\"response.create\",\"store\":false,\"tool_choice\":\"required\","
                    + "\"input\":\"look things up\"" + TOOLS + "}");
            JsonNode completed = timed(socket, sent, false);
            totals += completed.at("/hotloop_timing/total_ms").asDouble();
            for (int turn = 2; turn <= TURNS; turn++) {
                String callId = completed.at("/response/output/0/call_id").asString();
                clientRunsItsTool();
                long previousSent = sent;
                sent = System.nanoTime();
                socket.send("{\"type\":\"response.create\",\"store\":false,\"tool_choice\":\""
                        + (turn < TURNS ? "required" : "auto") + "\",\"previous_response_id\":\""
                        + completed.at("/response/id").asString() + "\",\"input\":[{\"type\":\"function_call_output\","
                        + "\"call_id\":\"" + callId + "\",\"output\":\"result " + turn + "\"}]" + TOOLS + "}");
                completed = timed(socket, previousSent, true);
                totals += completed.at("/hotloop_timing/total_ms").asDouble();
            }
        }
        meteredLikeSeen(before, "websocket", TURNS, totals);
    }

    /** Reads one turn's events and checks the timing its terminal event carries. */
    private static JsonNode timed(RawWebSocket socket, long windowStarted, boolean answersCalls)
            throws InterruptedException {
        List<JsonNode> events = socket.until("response.completed");
        long received = System.nanoTime();
        JsonNode completed = events.getLast();
        JsonNode timing = completed.path("hotloop_timing");
        Buckets.of(timing).partition(received - windowStarted, answersCalls);
        double stages = 0;
        for (JsonNode ms : timing.path("stages_ms")) {
            stages += ms.asDouble();
        }
        assertThat(stages).isLessThanOrEqualTo(timing.path("total_ms").asDouble() + 0.01);
        assertThat(timing.path("stages_ms").has("decode")).isTrue();
        assertThat(timing.path("stages_ms").has("tokenize")).isTrue();
        assertThat(timing.path("stages_ms").has("model_decode")).isTrue();
        // without asking, nothing but the protocol's own fields
        assertThat(events.getFirst().has("hotloop_timing")).isFalse();
        return completed;
    }

    @Test
    void httpPreviousResponseIdChainBucketsPartitionEveryTurn() {
        Map<String, double[]> before = bucketMeters("http");
        double totals = 0;
        long sent = System.nanoTime();
        HttpResponseFor<Response> answer =
                client().responses().withRawResponse().create(lookup().build());
        Buckets buckets =
                Buckets.ofServerTiming(answer.headers().values("Server-Timing").getFirst());
        buckets.partition(System.nanoTime() - sent, false);
        totals += buckets.total();
        Response response = answer.parse();
        for (int turn = 2; turn <= TURNS; turn++) {
            clientRunsItsTool();
            long previousSent = sent;
            sent = System.nanoTime();
            answer = client().responses().withRawResponse().create(continuation(response, turn));
            buckets = Buckets.ofServerTiming(
                    answer.headers().values("Server-Timing").getFirst());
            buckets.partition(System.nanoTime() - previousSent, true);
            totals += buckets.total();
            response = answer.parse();
        }
        meteredLikeSeen(before, "http", TURNS, totals);
    }

    @Test
    void sseChainBucketsPartitionEveryTurn() {
        Map<String, double[]> before = bucketMeters("sse");
        var timedClient = client().withOptions(options -> options.putHeader("x-hotloop-timing", "1"));
        double totals = 0;
        long sent = System.nanoTime();
        long previousSent = sent;
        Response response = null;
        for (int turn = 1; turn <= TURNS; turn++) {
            if (response != null) {
                clientRunsItsTool();
                previousSent = sent;
                sent = System.nanoTime();
            }
            ResponseCreateParams params = response == null ? lookup().build() : continuation(response, turn);
            try (StreamResponse<ResponseStreamEvent> stream =
                    timedClient.responses().createStreaming(params)) {
                var completed = stream.stream()
                        .filter(ResponseStreamEvent::isCompleted)
                        .findFirst()
                        .orElseThrow()
                        .asCompleted();
                Buckets buckets = Buckets.ofAdditional(completed._additionalProperties());
                buckets.partition(System.nanoTime() - (response == null ? sent : previousSent), response != null);
                totals += buckets.total();
                response = completed.response();
            }
        }
        meteredLikeSeen(before, "sse", TURNS, totals);
    }

    private static ResponseCreateParams.Builder lookup() {
        return ResponseCreateParams.builder()
                .model(MODEL)
                .input("look things up")
                .addTool(SdkTools.function("lookup", "q"))
                .toolChoice(ToolChoiceOptions.REQUIRED);
    }

    private static ResponseCreateParams continuation(Response previous, int turn) {
        return lookup().previousResponseId(previous.id())
                .inputOfResponse(
                        List.of(SdkTools.output(SdkTools.onlyCall(previous).callId(), "result " + turn)))
                .toolChoice(turn < TURNS ? ToolChoiceOptions.REQUIRED : ToolChoiceOptions.AUTO)
                .build();
    }

    /** The client "runs its tool" for a known time before answering. */
    private static void clientRunsItsTool() {
        await().pollDelay(TOOL_DELAY).atMost(TOOL_DELAY.multipliedBy(3)).until(() -> true);
    }

    @Test
    void hostedToolTimeIsToolTimeNotOverhead() {
        ToolRunnerFixture.start();
        long sent = System.nanoTime();
        HttpResponseFor<Response> answer = client().responses()
                .withRawResponse()
                .create(ResponseCreateParams.builder()
                        .model(MODEL)
                        .input("SHELL3 timed")
                        .addTool(FunctionShellTool.builder().build())
                        .build());
        long observed = System.nanoTime() - sent;
        assertThat(answer.parse().output()).hasSize(7);
        String header = answer.headers().values("Server-Timing").getFirst();
        Buckets buckets = Buckets.ofServerTiming(header);
        assertThat(buckets.model() + buckets.overhead() + buckets.clientTool() + buckets.postProcessing())
                .isCloseTo(buckets.total(), within(1e-6));
        assertThat(buckets.total()).isLessThanOrEqualTo(observed / 1e6);
        // the three sandbox runs are the turn's tool time, and only they
        Matcher tool = Pattern.compile("(?:^|, )tool;dur=([0-9.]+)").matcher(header);
        assertThat(tool.find()).isTrue();
        assertThat(buckets.clientTool()).isPositive().isEqualTo(Double.parseDouble(tool.group(1)));
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
                        .contains(
                                "total;dur=",
                                "model;dur=",
                                "overhead;dur=",
                                "client_tool;dur=",
                                "post_processing;dur=",
                                "persist;dur=",
                                "auth;dur="));
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
        // the stages are measured once: their spans add no timers of their own beside the stage timers
        assertThat(meters.find("hotloop.stage.persist").meters()).isEmpty();
        assertThat(meters.find("hotloop.stage.model").meters()).isEmpty();
        assertThat(meters.find("hotloop.stage.model.active").meters()).isEmpty();
    }
}
