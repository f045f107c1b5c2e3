package dev.hotloop.api.model.routing;

import static dev.hotloop.api.model.ModelRequests.events;
import static dev.hotloop.api.model.ModelRequests.followUp;
import static dev.hotloop.api.model.ModelRequests.request;
import static dev.hotloop.api.model.ModelRequests.text;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hotloop.api.model.TestRoutes;
import dev.hotloop.protocol.error.ApiException;
import dev.hotloop.protocol.json.ProtocolJson;
import dev.hotloop.protocol.model.ModelEvent;
import dev.hotloop.protocol.model.ModelRequest;
import dev.hotloop.simulator.SimulatorSettings;
import dev.hotloop.simulator.scenario.Scenario;
import dev.hotloop.simulator.server.SimulatorServer;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import okhttp3.mockwebserver.SocketPolicy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;

/**
 * Routing and failure handling against recorded upstream answers (MockWebServer): 429 with retry-after, 5xx before
 * and after the first token, dropped connections, slow and stalled upstreams, malformed chunks, failover, breakers.
 */
class UpstreamFailureTest {

    private static final ModelRequest HELLO = request("{\"input\":\"hello\"}");

    private static SimulatorServer sleepy;
    private static SimulatorServer stalling;

    private MockWebServer first;
    private MockWebServer second;

    @BeforeAll
    static void slowUpstreams() {
        // slow upstreams whose timers stop when the client gives up, so that no test waits for them to finish
        sleepy = SimulatorServer.start(new SimulatorSettings(Duration.ofSeconds(30), 0, Scenario.empty()));
        stalling = SimulatorServer.start(new SimulatorSettings(Duration.ZERO, 0.1, Scenario.empty()));
    }

    @AfterAll
    static void stopSlowUpstreams() {
        sleepy.close();
        stalling.close();
    }

    @BeforeEach
    void start() throws IOException {
        first = new MockWebServer();
        second = new MockWebServer();
        first.start();
        second.start();
    }

    @AfterEach
    void stop() throws IOException {
        first.shutdown();
        second.shutdown();
    }

    private static String chunk(String content) {
        return "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + content + "\"},\"finish_reason\":null}]}";
    }

    private static final String STOP = "{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}";

    private static String sse(String... data) {
        StringBuilder body = new StringBuilder();
        for (String event : data) {
            body.append("data: ").append(event).append("\n\n");
        }
        return body.toString();
    }

    private static MockResponse stream(String body) {
        return new MockResponse().setHeader("content-type", "text/event-stream").setBody(body);
    }

    private static MockResponse hello() {
        return stream(sse(chunk("Hel"), chunk("lo"), STOP, "[DONE]"));
    }

    private static MockResponse error(int status, String body) {
        return new MockResponse()
                .setResponseCode(status)
                .setHeader("content-type", "application/json")
                .setBody(body);
    }

    private RoutedModel route(String... extra) {
        Map<String, String> properties = new HashMap<>(Map.of(
                "routes.m[0].provider",
                "openai-chat",
                "routes.m[0].url",
                first.url("/v1").toString(),
                "routes.m[1].provider",
                "openai-chat",
                "routes.m[1].url",
                second.url("/v1").toString(),
                "routes.m[1].weight",
                "0",
                "resilience.backoff",
                "10ms"));
        for (int i = 0; i < extra.length; i += 2) {
            properties.put(extra[i], extra[i + 1]);
        }
        return TestRoutes.route("m", properties);
    }

    /** Only the first upstream. */
    private RoutedModel single(String... extra) {
        Map<String, String> properties = new HashMap<>(Map.of(
                "routes.m[0].provider",
                "openai-chat",
                "routes.m[0].url",
                first.url("/v1").toString(),
                "resilience.backoff",
                "10ms"));
        for (int i = 0; i < extra.length; i += 2) {
            properties.put(extra[i], extra[i + 1]);
        }
        return TestRoutes.route("m", properties);
    }

    private static void failsWith(RoutedModel model, ModelRequest request, String code, Consumer<String> message) {
        StepVerifier.create(model.stream(request).filter(event -> false))
                .expectErrorSatisfies(error -> {
                    assertThat(error).isInstanceOf(ApiException.class);
                    assertThat(((ApiException) error).error().code()).isEqualTo(code);
                    message.accept(error.getMessage());
                })
                .verify(Duration.ofSeconds(15));
    }

    private static void failsMidStream(RoutedModel model, String detail) {
        failsMidStream(model, "Hel", detail);
    }

    private static void failsMidStream(RoutedModel model, String firstDelta, String detail) {
        StepVerifier.create(model.stream(HELLO))
                .expectNext(new ModelEvent.TextDelta(firstDelta))
                .expectErrorSatisfies(error -> {
                    ApiException api = (ApiException) error;
                    assertThat(api.error().code()).isEqualTo("server_error");
                    assertThat(api.getMessage())
                            .startsWith("The model 'm' failed mid-stream (")
                            .contains(detail);
                })
                .verify(Duration.ofSeconds(15));
    }

    @Test
    void rateLimitedIsRetriedAfterItsRetryAfter() {
        first.enqueue(
                error(429, "{\"error\":{\"message\":\"Rate limit reached\"}}").setHeader("retry-after", "1"));
        first.enqueue(hello());

        long start = System.nanoTime();
        assertThat(text(events(single().stream(HELLO)))).isEqualTo("Hello");

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(950));
        assertThat(first.getRequestCount()).isEqualTo(2);
    }

    @Test
    void aRetryAfterLongerThanTheCapFailsAtOnce() {
        first.enqueue(error(429, "{\"error\":{\"message\":\"Quota exceeded\"}}").setHeader("retry-after", "120"));
        first.enqueue(hello());

        failsWith(
                single(),
                HELLO,
                "rate_limit_exceeded",
                message -> assertThat(message).contains("HTTP 429: Quota exceeded"));
        assertThat(first.getRequestCount()).isEqualTo(1);
    }

    @Test
    void aRateLimitedUpstreamFailsOverWithoutWaiting() {
        first.enqueue(error(429, "{}").setHeader("retry-after", "20"));
        second.enqueue(hello());

        assertThat(text(events(route().stream(HELLO)))).isEqualTo("Hello");
        assertThat(second.getRequestCount()).isEqualTo(1);
    }

    @Test
    void aServerErrorBeforeTheFirstTokenIsRetried() {
        first.enqueue(error(500, "{\"error\":{\"message\":\"boom\"}}"));
        first.enqueue(hello());

        assertThat(text(events(single().stream(HELLO)))).isEqualTo("Hello");
        assertThat(first.getRequestCount()).isEqualTo(2);
    }

    @Test
    void aServerErrorFailsOverToTheNextUpstream() {
        first.enqueue(error(503, "overloaded"));
        second.enqueue(hello());

        assertThat(text(events(route().stream(HELLO)))).isEqualTo("Hello");
        assertThat(first.getRequestCount()).isEqualTo(1);
        assertThat(second.getRequestCount()).isEqualTo(1);
    }

    @Test
    void anUnreachableUpstreamFailsOver() throws IOException {
        String closed = first.url("/v1").toString();
        first.shutdown();
        second.enqueue(hello());

        RoutedModel model = TestRoutes.route(
                "m",
                Map.of(
                        "routes.m[0].provider",
                        "openai-chat",
                        "routes.m[0].url",
                        closed,
                        "routes.m[1].provider",
                        "openai-chat",
                        "routes.m[1].url",
                        second.url("/v1").toString()));
        assertThat(text(events(model.stream(HELLO)))).isEqualTo("Hello");
    }

    @Test
    void persistentServerErrorsFailAfterTheAttempts() {
        for (int i = 0; i < 3; i++) {
            first.enqueue(error(502, "bad gateway"));
        }

        failsWith(
                single(),
                HELLO,
                "server_error",
                message -> assertThat(message)
                        .isEqualTo("The model 'm' is unavailable (HTTP 502: bad gateway) after 3 attempts."));
        assertThat(first.getRequestCount()).isEqualTo(3);
    }

    @Test
    void anErrorChunkAfterTheFirstTokenFailsTheStreamWithoutRetry() {
        first.enqueue(stream(sse(chunk("Hel"), "{\"error\":{\"message\":\"engine died\",\"code\":500}}")));
        first.enqueue(hello());

        failsMidStream(single(), "error in stream: engine died");
        assertThat(first.getRequestCount()).isEqualTo(1);
    }

    @Test
    void aConnectionDropAfterTheFirstTokenFailsTheStream() {
        String padding = chunk("x".repeat(2000));
        first.enqueue(stream(sse(chunk("Hel"), padding, padding, STOP, "[DONE]"))
                .setSocketPolicy(SocketPolicy.DISCONNECT_DURING_RESPONSE_BODY));
        first.enqueue(hello());

        StepVerifier.create(single().stream(HELLO))
                .expectNext(new ModelEvent.TextDelta("Hel"))
                .thenConsumeWhile(event -> event instanceof ModelEvent.TextDelta)
                .expectErrorSatisfies(error -> {
                    assertThat(((ApiException) error).error().code()).isEqualTo("server_error");
                    assertThat(error.getMessage()).contains("mid-stream");
                })
                .verify(Duration.ofSeconds(15));
        assertThat(first.getRequestCount()).isEqualTo(1);
    }

    @Test
    void aSlowUpstreamTimesOutBeforeTheFirstToken() {
        first.enqueue(hello().setHeadersDelay(1, TimeUnit.SECONDS));

        failsWith(
                single("routes.m[0].first-token-timeout", "200ms"),
                HELLO,
                "server_error",
                message -> assertThat(message).contains("no first token within 200 ms"));
        assertThat(first.getRequestCount()).isEqualTo(1);
    }

    @Test
    void aSlowUpstreamFailsOverToAFastOne() {
        second.enqueue(hello());
        RoutedModel model = TestRoutes.route(
                "m",
                Map.of(
                        "routes.m[0].provider",
                        "openai-chat",
                        "routes.m[0].url",
                        sleepy.baseUrl(),
                        "routes.m[0].first-token-timeout",
                        "300ms",
                        "routes.m[1].provider",
                        "openai-chat",
                        "routes.m[1].url",
                        second.url("/v1").toString()));

        assertThat(text(events(model.stream(HELLO)))).isEqualTo("Hello");
        assertThat(second.getRequestCount()).isEqualTo(1);
    }

    @Test
    void aStreamThatStallsAfterTheFirstTokenFails() {
        RoutedModel model = TestRoutes.route(
                "m",
                Map.of(
                        "routes.m[0].provider",
                        "openai-chat",
                        "routes.m[0].url",
                        stalling.baseUrl(),
                        "routes.m[0].read-timeout",
                        "300ms"));

        failsMidStream(model, "You", "no data for 300 ms");
    }

    @Test
    void aMalformedChunkFailsClearlyAndIsNotRetried() {
        first.enqueue(stream(sse("{\"choices\":[{\"delta\":{\"content\":")));
        first.enqueue(hello());

        failsWith(
                single(),
                HELLO,
                "server_error",
                message -> assertThat(message)
                        .isEqualTo(
                                "The model 'm' sent a response hotloop cannot read (malformed stream: unreadable chunk "
                                        + "'{\"choices\":[{\"delta\":{\"content\":')."));
        assertThat(first.getRequestCount()).isEqualTo(1);
    }

    @Test
    void aMalformedChunkMidStreamFailsTheStream() {
        first.enqueue(stream(sse(chunk("Hel"), "not json at all")));

        failsMidStream(single(), "malformed stream: unreadable chunk 'not json at all'");
    }

    @Test
    void aNonStreamingAnswerIsMalformed() {
        first.enqueue(error(200, "{\"choices\":[]}"));

        failsWith(
                single(),
                HELLO,
                "server_error",
                message -> assertThat(message).contains("answered application/json instead of an event stream"));
    }

    @Test
    void aRejectedRequestKeepsTheUpstreamsMessageAndIsNotRetried() {
        first.enqueue(error(
                400,
                "{\"object\":\"error\",\"message\":\"This model's maximum context length is 8192 "
                        + "tokens.\",\"type\":\"BadRequestError\",\"code\":400}"));

        failsWith(
                route(),
                HELLO,
                "invalid_prompt",
                message -> assertThat(message)
                        .isEqualTo(
                                "The model 'm' refused the request (HTTP 400: This model's maximum context length is 8192 tokens.)."));
        assertThat(first.getRequestCount() + second.getRequestCount()).isEqualTo(1);
    }

    @Test
    void aRefusedKeySaysToCheckTheKeyWithoutEchoingIt() {
        first.enqueue(error(401, "{\"error\":{\"message\":\"Incorrect API key provided: sk-secr***\"}}"));

        failsWith(
                single(),
                HELLO,
                "server_error",
                message -> assertThat(message).contains("check its api key").doesNotContain("sk-"));
    }

    @Test
    void anOpenBreakerSkipsItsUpstream() {
        first.setDispatcher(always(error(500, "down")));
        second.setDispatcher(always(hello()));
        RoutedModel model = route(
                "resilience.circuit-breaker.minimum-number-of-calls",
                "2",
                "resilience.circuit-breaker.sliding-window-size",
                "2",
                "resilience.circuit-breaker.wait-duration-in-open-state",
                "1m");

        for (int i = 0; i < 3; i++) {
            assertThat(text(events(model.stream(HELLO)))).isEqualTo("Hello");
        }

        assertThat(first.getRequestCount()).isEqualTo(2);
        assertThat(second.getRequestCount()).isEqualTo(3);
        assertThat(model.upstreams().getFirst().circuitBreaker().getState())
                .isEqualTo(io.github.resilience4j.circuitbreaker.CircuitBreaker.State.OPEN);
    }

    @Test
    void cancellingReleasesTheBreakersPermit() {
        RoutedModel model = TestRoutes.route(
                "m", Map.of("routes.m[0].provider", "openai-chat", "routes.m[0].url", sleepy.baseUrl()));
        io.github.resilience4j.circuitbreaker.CircuitBreaker breaker =
                model.upstreams().getFirst().circuitBreaker();
        breaker.transitionToOpenState();
        breaker.transitionToHalfOpenState();
        int probes = breaker.getCircuitBreakerConfig().getPermittedNumberOfCallsInHalfOpenState();

        for (int i = 0; i <= probes; i++) {
            StepVerifier.create(model.stream(HELLO))
                    .expectSubscription()
                    .thenCancel()
                    .verify(Duration.ofSeconds(5));
        }

        assertThat(breaker.getMetrics().getNumberOfNotPermittedCalls()).isZero();
        assertThat(breaker.getState()).isEqualTo(io.github.resilience4j.circuitbreaker.CircuitBreaker.State.HALF_OPEN);
    }

    @Test
    void theRequestCarriesTheKeyHeadersAndAStablePrompt() throws InterruptedException {
        first.enqueue(hello());
        first.enqueue(hello());
        RoutedModel model = TestRoutes.route(
                "m",
                Map.of(
                        "routes.m[0].provider",
                        "openai-chat",
                        "routes.m[0].url",
                        first.url("/v1").toString(),
                        "routes.m[0].upstream-model",
                        "llama-3.1-8b",
                        "routes.m[0].api-key-env",
                        "TEST_UPSTREAM_KEY",
                        "routes.m[0].headers.X-Team",
                        "agents",
                        "routes.m[0].max-tokens-field",
                        "max_completion_tokens"),
                Map.of("TEST_UPSTREAM_KEY", "sk-test-123"));
        ModelRequest request = request("""
                {"input":[{"role":"developer","content":"Use tools."},{"role":"user","content":"hi"}],
                 "tools":[%s],"tool_choice":"required","parallel_tool_calls":false,"max_output_tokens":64,
                 "temperature":0.2}""".formatted(dev.hotloop.api.model.ModelRequests.WEATHER));

        events(model.stream(request));
        events(model.stream(request));

        RecordedRequest sent = first.takeRequest(5, TimeUnit.SECONDS);
        String firstBody = sent.getBody().readUtf8();
        String secondBody = first.takeRequest(5, TimeUnit.SECONDS).getBody().readUtf8();
        assertThat(sent.getPath()).isEqualTo("/v1/chat/completions");
        assertThat(sent.getHeader("Authorization")).isEqualTo("Bearer sk-test-123");
        assertThat(sent.getHeader("X-Team")).isEqualTo("agents");
        assertThat(secondBody).isEqualTo(firstBody);
        JsonNode body = ProtocolJson.mapper().readTree(firstBody);
        assertThat(body.propertyNames())
                .containsExactly(
                        "model",
                        "messages",
                        "stream",
                        "stream_options",
                        "tools",
                        "tool_choice",
                        "parallel_tool_calls",
                        "max_completion_tokens",
                        "temperature",
                        "prompt_cache_key");
        assertThat(body.path("model").asString()).isEqualTo("llama-3.1-8b");
        assertThat(body.path("messages").get(0).path("role").asString()).isEqualTo("system");
        assertThat(body.path("tools").get(0).path("function").path("name").asString())
                .isEqualTo("get_weather");
        assertThat(body.path("tool_choice").asString()).isEqualTo("required");
        assertThat(body.path("prompt_cache_key").asString()).startsWith("hotloop-");
    }

    @Test
    void aForgottenUpstreamResponseIsSentAgainInFull() throws InterruptedException {
        first.enqueue(stream(sse(
                "{\"type\":\"response.created\",\"response\":{\"id\":\"resp_up1\"}}",
                "{\"type\":\"response.output_text.delta\",\"delta\":\"Hi\"}",
                "{\"type\":\"response.completed\",\"response\":{\"id\":\"resp_up1\",\"usage\":{\"input_tokens\":3,"
                        + "\"output_tokens\":1,\"input_tokens_details\":{\"cached_tokens\":0}}}}")));
        first.enqueue(error(
                400,
                "{\"error\":{\"message\":\"Previous response with id 'resp_up1' not found.\","
                        + "\"code\":\"previous_response_not_found\",\"param\":\"previous_response_id\"}}"));
        first.enqueue(stream(sse(
                "{\"type\":\"response.output_text.delta\",\"delta\":\"Again\"}",
                "{\"type\":\"response.completed\",\"response\":{\"id\":\"resp_up2\"}}")));
        RoutedModel model = TestRoutes.route(
                "m",
                Map.of(
                        "routes.m[0].provider",
                        "openai-responses",
                        "routes.m[0].url",
                        first.url("/v1").toString(),
                        "routes.m[0].previous-response-id",
                        "true"));

        assertThat(text(events(model.stream(HELLO)))).isEqualTo("Hi");
        List<ModelEvent> next = events(model.stream(followUp(HELLO, """
                [{"type":"message","role":"assistant","content":[{"type":"output_text","text":"Hi"}]},
                 {"role":"user","content":"more"}]""")));

        assertThat(text(next)).isEqualTo("Again");
        first.takeRequest(5, TimeUnit.SECONDS);
        JsonNode chained = ProtocolJson.mapper()
                .readTree(first.takeRequest(5, TimeUnit.SECONDS).getBody().readUtf8());
        JsonNode full = ProtocolJson.mapper()
                .readTree(first.takeRequest(5, TimeUnit.SECONDS).getBody().readUtf8());
        assertThat(chained.path("previous_response_id").asString()).isEqualTo("resp_up1");
        assertThat(chained.path("input")).hasSize(1);
        assertThat(full.has("previous_response_id")).isFalse();
        assertThat(full.path("input")).hasSize(3);
    }

    @Test
    void aFailedUpstreamResponseBeforeTheFirstTokenIsRetried() {
        first.enqueue(stream(sse(
                "{\"type\":\"response.created\",\"response\":{\"id\":\"resp_1\"}}",
                "{\"type\":\"response.failed\",\"response\":{\"id\":\"resp_1\",\"error\":{\"code\":\"server_error\","
                        + "\"message\":\"The server had an error\"}}}")));
        first.enqueue(stream(sse(
                "{\"type\":\"response.output_text.delta\",\"delta\":\"ok\"}",
                "{\"type\":\"response.completed\",\"response\":{\"id\":\"resp_2\"}}")));
        RoutedModel model = TestRoutes.route(
                "m",
                Map.of(
                        "routes.m[0].provider",
                        "openai-responses",
                        "routes.m[0].url",
                        first.url("/v1").toString(),
                        "resilience.backoff",
                        "10ms"));

        assertThat(text(events(model.stream(HELLO)))).isEqualTo("ok");
        assertThat(first.getRequestCount()).isEqualTo(2);
    }

    private static Dispatcher always(MockResponse response) {
        return new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                return response.clone();
            }
        };
    }
}
