package dev.hotloop.api.transport.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.hotloop.api.PlatformTest;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.client.ReactorNettyWebSocketClient;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.WebsocketClientSpec;
import tools.jackson.databind.JsonNode;

/**
 * The WebSocket wire protocol frame by frame: handshake, error shapes, control frames, RFC 6455 strictness, lanes,
 * limits, cancel on disconnect.
 */
class WebSocketProtocolTest extends PlatformTest {

    @Autowired
    private MeterRegistry meters;

    private static String create(String extra) {
        return "{\"type\":\"response.create\",\"model\":\"" + MODEL + "\",\"store\":false" + extra + "}";
    }

    @Test
    void handshakeWithoutAValidKeyIs401() {
        assertThatThrownBy(() -> RawWebSocket.connect(port, "sk-wrong"))
                .hasRootCauseMessage("Unexpected HTTP response status code 401"); // refused before the upgrade
    }

    @Test
    void eventsCarryNoStreamIdUnlessTheRequestSetOne() throws Exception {
        try (RawWebSocket socket = RawWebSocket.connect(port, ACME_KEY)) {
            socket.send(create(",\"input\":\"plain\""));
            List<JsonNode> plain = socket.until("response.completed");
            assertThat(plain)
                    .allSatisfy(frame -> assertThat(frame.has("stream_id")).isFalse());

            socket.send(create(",\"input\":\"laned\",\"stream_id\":\"lane-7\""));
            List<JsonNode> laned = socket.until("response.completed");
            assertThat(laned)
                    .allSatisfy(frame ->
                            assertThat(frame.path("stream_id").asString()).isEqualTo("lane-7"));
            assertThat(laned.getFirst().path("sequence_number").asInt()).isZero();
        }
    }

    @Test
    void refusalsUseTheWebSocketErrorShapeAndKeepTheConnection() throws Exception {
        try (RawWebSocket socket = RawWebSocket.connect(port, ACME_KEY)) {
            socket.send("{not json");
            assertError(socket.next(), "invalid_json", null);

            socket.send("{\"type\":\"response.cancel\"}");
            assertError(socket.next(), "unsupported_event_type", "type");

            socket.send(create(",\"input\":\"x\",\"background\":true"));
            assertError(socket.next(), "unsupported_parameter", "background");

            socket.send(create(",\"input\":\"x\",\"stream_id\":\"has spaces\""));
            assertError(socket.next(), "invalid_stream_id", "stream_id");

            socket.sendBinary(new byte[] {1, 2, 3});
            assertError(socket.next(), "invalid_frame", null);

            socket.send(create(",\"input\":\"still here\",\"stream\":true"));
            assertThat(socket.until("response.completed")
                            .getLast()
                            .at("/response/status")
                            .asString())
                    .isEqualTo("completed");
        }
    }

    @Test
    void pingsAndPongsAreNotEvents() throws Exception {
        try (RawWebSocket socket = RawWebSocket.connect(port, ACME_KEY)) {
            socket.sendPong();
            socket.sendPing();
            socket.send(create(",\"input\":\"after the keepalive\""));

            assertThat(socket.next().path("type").asString()).isEqualTo("response.created");
            assertThat(socket.until("response.completed"))
                    .noneMatch(frame -> frame.path("type").asString().equals("error"));
        }
    }

    @Test
    void aFrameSentTheMomentTheUpgradeAnswersIsServed() throws Exception {
        // the handshake waits on the tenant's limits in Redis; the upgrade used to finish on Redis' thread, racing
        // a frame sent right after the 101, which Reactor Netty then dropped (found by WebSocketFuzzTest)
        for (int connection = 0; connection < 30; connection++) {
            try (FrameSocket socket = new FrameSocket(port, ACME_KEY)) {
                socket.sendText(create(",\"input\":\"at once\""));
                assertThat(socket.untilType("response.completed")
                                .at("/response/status")
                                .asString())
                        .as("connection %d", connection)
                        .isEqualTo("completed");
            }
        }
    }

    @Test
    void invalidUtf8InATextFrameClosesWith1007() throws Exception {
        byte[] invalid = "{\"type\":\"response.create\",\"input\":\"x?y\"}".getBytes(StandardCharsets.UTF_8);
        invalid[invalid.length - 4] = (byte) 0xFF;
        try (FrameSocket socket = new FrameSocket(port, ACME_KEY)) {
            socket.send(FrameSocket.TEXT, 0, invalid);
            assertThat(socket.untilClose().closeCode()).isEqualTo(1007);
        }
    }

    @Test
    void overlongUtf8IsNotASlashButClosesWith1007() throws Exception {
        byte[] overlong = "{\"type\":\"response.create\",\"input\":\"..??etc\"}".getBytes(StandardCharsets.UTF_8);
        int slash = overlong.length - 7;
        overlong[slash] = (byte) 0xC0;
        overlong[slash + 1] = (byte) 0xAF;
        try (FrameSocket socket = new FrameSocket(port, ACME_KEY)) {
            socket.send(FrameSocket.TEXT, 0, overlong);
            assertThat(socket.untilClose().closeCode()).isEqualTo(1007);
        }
    }

    @Test
    void reservedBitsWithoutANegotiatedExtensionCloseWith1002() throws Exception {
        for (int bit : new int[] {FrameSocket.RSV1, FrameSocket.RSV2}) {
            try (FrameSocket socket = new FrameSocket(port, ACME_KEY)) {
                socket.send(
                        FrameSocket.TEXT, bit, create(",\"input\":\"reserved\"").getBytes(StandardCharsets.UTF_8));
                assertThat(socket.untilClose().closeCode()).as("bits %x", bit).isEqualTo(1002);
            }
        }
    }

    @Test
    void compressedFramesWorkWhenPermessageDeflateIsNegotiated() {
        String input = "compress me ".repeat(500);
        ReactorNettyWebSocketClient client = new ReactorNettyWebSocketClient(
                HttpClient.create(), () -> WebsocketClientSpec.builder().compress(true));
        HttpHeaders headers = new HttpHeaders();
        headers.setBearerAuth(ACME_KEY);
        List<String> extensions = new ArrayList<>();
        List<String> events = new ArrayList<>();
        client.execute(URI.create("ws://127.0.0.1:" + port + "/v1/responses"), headers, session -> {
                    extensions.addAll(session.getHandshakeInfo().getHeaders().getOrEmpty("Sec-WebSocket-Extensions"));
                    return session.send(Mono.just(session.textMessage(create(",\"input\":\"" + input + "\""))))
                            .thenMany(session.receive()
                                    .map(WebSocketMessage::getPayloadAsText)
                                    .doOnNext(events::add)
                                    .takeUntil(text -> text.contains("\"type\":\"response.completed\"")))
                            .then();
                })
                .block(Duration.ofSeconds(20));

        assertThat(extensions).anySatisfy(extension -> assertThat(extension).contains("permessage-deflate"));
        assertThat(events.getLast()).contains("\"status\":\"completed\"");
    }

    @Test
    void largeCreateFramesAreAccepted() throws Exception {
        String big = "word ".repeat(60_000); // 300 KB, past Reactor Netty's 64 KiB default
        try (RawWebSocket socket = RawWebSocket.connect(port, ACME_KEY)) {
            socket.send(create(",\"input\":\"" + big + "\""));
            JsonNode completed = socket.until("response.completed").getLast();
            assertThat(completed.at("/response/usage/input_tokens").asInt()).isGreaterThan(50_000);
        }
    }

    @Test
    void laneCountIsLimited() throws Exception {
        try (RawWebSocket socket = RawWebSocket.connect(port, ACME_KEY)) {
            for (int lane = 0; lane < 32; lane++) {
                socket.send(create(",\"input\":\"lane\",\"stream_id\":\"l" + lane + "\""));
                socket.until("response.completed");
            }
            socket.send(create(",\"input\":\"one too many\",\"stream_id\":\"l32\""));
            assertError(socket.next(), "websocket_stream_limit_reached", "stream_id");

            socket.send(create(",\"input\":\"an old lane still works\",\"stream_id\":\"l3\""));
            assertThat(socket.until("response.completed")).isNotEmpty();
        }
    }

    @Test
    void clientThatDisconnectsMidResponseCancelsTheModel() throws Exception {
        double cancelledBefore =
                meters.counter("hotloop.model.streams.cancelled").count();
        RawWebSocket socket = RawWebSocket.connect(port, ACME_KEY);
        socket.send(create(",\"input\":\"FLOOD " + "token ".repeat(100_000) + "\""));
        socket.until("response.output_text.delta");

        socket.abort();

        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(meters.counter("hotloop.model.streams.cancelled")
                                .count())
                        .isEqualTo(cancelledBefore + 1));
    }

    private static void assertError(JsonNode frame, String code, String param) {
        assertThat(frame.path("type").asString()).isEqualTo("error");
        assertThat(frame.path("status").asInt()).isEqualTo(400);
        assertThat(frame.at("/error/type").asString()).isEqualTo("invalid_request_error");
        assertThat(frame.at("/error/code").asString()).isEqualTo(code);
        assertThat(frame.at("/error/message").asString()).isNotBlank();
        if (param != null) {
            assertThat(frame.at("/error/param").asString()).isEqualTo(param);
        }
    }
}
