package dev.hotloop.api.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.hotloop.api.PlatformTest;
import dev.hotloop.api.transport.websocket.RawWebSocket;
import dev.hotloop.protocol.json.ProtocolJson;
import dev.hotloop.testsupport.WireSpecs;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Per-tenant limits at the edge of the real service: 429s, OpenAI's headers, WebSocket frames and handshakes. */
class RateLimitTest extends PlatformTest {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final List<String> HEADERS = List.of(
            "x-ratelimit-limit-requests",
            "x-ratelimit-remaining-requests",
            "x-ratelimit-reset-requests",
            "x-ratelimit-limit-tokens",
            "x-ratelimit-remaining-tokens",
            "x-ratelimit-reset-tokens");

    @Test
    void everyAnswerCarriesOpenAisRateLimitHeaders() {
        HttpResponse<String> created = post(ACME_KEY, "{\"model\":\"" + MODEL + "\",\"input\":\"hello\"}");
        HttpResponse<String> models = get(ACME_KEY, "/models");

        assertThat(created.statusCode()).isEqualTo(200);
        assertThat(models.statusCode()).isEqualTo(200);
        for (String header : HEADERS) {
            assertThat(created.headers().firstValue(header)).as(header).isPresent();
            assertThat(models.headers().firstValue(header)).as(header).isPresent();
        }
        assertThat(created.headers().firstValue("x-ratelimit-limit-requests")).contains("6000");
        assertThat(created.headers().firstValue("x-ratelimit-limit-tokens")).contains("10000000");
        assertThat(created.headers().firstValue("retry-after")).isEmpty();
    }

    @Test
    void overItsRequestsPerMinuteATenantGetsErrorFramesOnAnOpenWebSocketThen429OverHttp() throws Exception {
        try (RawWebSocket socket = RawWebSocket.connect(port, LimitedTenants.RPM_KEY)) { // the handshake is request 1
            for (int turn = 2; turn <= 3; turn++) {
                socket.send("{\"type\":\"response.create\",\"model\":\"" + MODEL
                        + "\",\"input\":\"turn\",\"store\":false}");
                assertThat(socket.until("response.completed")).isNotEmpty();
            }
            for (int refused = 0; refused < 2; refused++) { // the connection stays open
                socket.send("{\"type\":\"response.create\",\"model\":\"" + MODEL
                        + "\",\"input\":\"more\",\"store\":false}");
                JsonNode error = socket.until("error").getLast();
                assertThat(error.path("status").asInt()).isEqualTo(429);
                assertThat(error.at("/error/code").asString()).isEqualTo("rate_limit_exceeded");
                assertThat(error.at("/error/type").asString()).isEqualTo("requests");
                assertThat(error.at("/error/message").asString())
                        .startsWith("Rate limit reached for tenant rpm on requests per min (RPM): Limit 3, Used 3");
            }
        }

        HttpResponse<String> refused = post(LimitedTenants.RPM_KEY, "{\"model\":\"" + MODEL + "\",\"input\":\"hi\"}");

        assertThat(refused.statusCode()).isEqualTo(429);
        JsonNode error = ProtocolJson.mapper().readTree(refused.body()).path("error");
        assertThat(error.path("code").asString()).isEqualTo("rate_limit_exceeded");
        assertThat(error.path("type").asString()).isEqualTo("requests");
        assertThat(error.path("param").isNull()).isTrue();
        assertThat(error.path("message").asString())
                .matches("Rate limit reached for tenant rpm on requests per min "
                        + "\\(RPM\\): Limit 3, Used 3, Requested 1\\. Please try again in [0-9.]+m?s\\.");
        assertThat(Integer.parseInt(refused.headers().firstValue("retry-after").orElseThrow()))
                .isBetween(1, 20);
        assertThat(refused.headers().firstValue("x-ratelimit-remaining-requests"))
                .contains("0");
        assertThat(post(ACME_KEY, "{\"model\":\"" + MODEL + "\",\"input\":\"hi\"}")
                        .statusCode())
                .isEqualTo(200);
    }

    @Test
    void openWebSocketConnectionsAreLimitedAndFreedWhenOneCloses() throws Exception {
        WebSocket first = connect(LimitedTenants.SOLO_KEY);

        assertThatThrownBy(() -> connect(LimitedTenants.SOLO_KEY))
                .hasCauseInstanceOf(WebSocketHandshakeException.class)
                .satisfies(refused -> {
                    HttpResponse<?> response = ((WebSocketHandshakeException) refused.getCause()).getResponse();
                    assertThat(response.statusCode()).isEqualTo(429);
                    assertThat(response.headers().firstValue("retry-after")).isPresent();
                });
        first.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();

        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
            connect(LimitedTenants.SOLO_KEY).abort();
            return true;
        });
    }

    @Test
    void aStreamedResponseIsSettledToItsActualUsage() {
        // " a" is one token each: usage (input and the echoed output) far exceeds the estimate of bytes / 4
        String input = "FLOOD" + " a".repeat(400);
        HttpResponse<String> streamed = post(
                LimitedTenants.METERED_KEY,
                "{\"model\":\"" + MODEL + "\",\"input\":\"" + input + "\",\"stream\":true}");
        assertThat(streamed.statusCode()).isEqualTo(200);
        int estimate =
                (int) Math.ceil(streamed.request().bodyPublisher().orElseThrow().contentLength() / 4.0);
        assertThat(estimate).isLessThan(250);

        // charged the estimate on admission (~750 left), then the actual usage (> 800 tokens) once written
        await().atMost(Duration.ofSeconds(10))
                .until(() -> Integer.parseInt(get(LimitedTenants.METERED_KEY, "/models")
                                .headers()
                                .firstValue("x-ratelimit-remaining-tokens")
                                .orElseThrow())
                        < 400);
    }

    @Test
    void aClientThatContinuesTheMomentItsResponseEndsFindsItsOnlySlotFree() throws Exception {
        // the slot is freed before the terminal event goes out, not after it was written: an agent loop at a limit of
        // one concurrent response is never refused by its own previous turn
        for (int turn = 0; turn < 30; turn++) {
            HttpResponse<String> streamed = post(
                    LimitedTenants.SERIAL_KEY,
                    "{\"model\":\"" + MODEL + "\",\"input\":\"turn " + turn + "\",\"stream\":true}");
            assertThat(streamed.statusCode()).as("HTTP turn %d", turn).isEqualTo(200);
            assertThat(streamed.body()).contains("response.completed");
        }
        try (RawWebSocket socket = RawWebSocket.connect(port, LimitedTenants.SERIAL_KEY)) {
            for (int turn = 0; turn < 30; turn++) {
                socket.send("{\"type\":\"response.create\",\"model\":\"" + MODEL
                        + "\",\"input\":\"turn\",\"store\":false}");
                assertThat(socket.until(Set.of("response.completed", "error"))
                                .getLast()
                                .path("type")
                                .asString())
                        .as("WebSocket turn %d", turn)
                        .isEqualTo("response.completed");
            }
        }
    }

    private HttpResponse<String> post(String key, String body) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl() + "/responses"))
                .header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private HttpResponse<String> get(String key, String path) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl() + path))
                .header("Authorization", "Bearer " + key)
                .GET());
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return WireSpecs.get()
                    .checkHttpResponse(HTTP.send(
                            request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A WebSocket that ignores what it receives; a refused handshake throws. */
    private WebSocket connect(String key) {
        return HTTP.newWebSocketBuilder()
                .header("Authorization", "Bearer " + key)
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/v1/responses"), new WebSocket.Listener() {})
                .join();
    }
}
