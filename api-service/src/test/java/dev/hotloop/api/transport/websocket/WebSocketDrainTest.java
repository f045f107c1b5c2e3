package dev.hotloop.api.transport.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.hotloop.api.ApiReplica;
import dev.hotloop.api.PlatformTest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * Graceful drain: a replica shutting down (its Spring context closing, as on SIGTERM) refuses new connections, lets
 * the running response finish, closes the WebSocket with 1001, and the client continues its chain on another
 * replica (this test's shared context) from stored state.
 */
class WebSocketDrainTest extends PlatformTest {

    /** ~2 s of streaming at the draining replica's 50 tokens per second. */
    private static final String SLOW = "FLOOD " + "token ".repeat(100);

    @Test
    void inFlightResponseFinishesThenClose1001AndTheChainContinuesElsewhere() throws Exception {
        ConfigurableApplicationContext draining = replica("30s");
        JsonNode completed;
        CompletableFuture<Void> shutdown;
        try (RawWebSocket socket = RawWebSocket.connect(portOf(draining), ACME_KEY)) {
            socket.send(create(SLOW, null));
            socket.until("response.output_text.delta");

            shutdown = CompletableFuture.runAsync(draining::close);
            ResponsesWebSocketHandler handler = draining.getBean(ResponsesWebSocketHandler.class);
            await().atMost(Duration.ofSeconds(10)).until(() -> !handler.accepting());
            assertThatThrownBy(() -> RawWebSocket.connect(portOf(draining), ACME_KEY))
                    .hasRootCauseMessage("Unexpected HTTP response status code 503");

            completed = socket.until("response.completed").getLast();
            assertThat(completed.at("/response/status").asString()).isEqualTo("completed");
            assertThat(socket.awaitClose()).isEqualTo(1001);
        }
        shutdown.get();

        try (RawWebSocket elsewhere = RawWebSocket.connect(port, ACME_KEY)) {
            elsewhere.send(create("go on", completed.at("/response/id").asString()));
            JsonNode next = elsewhere.until("response.completed").getLast();
            assertThat(next.at("/response/status").asString()).isEqualTo("completed");
            assertThat(next.at("/response/usage/input_tokens").asInt()).isGreaterThan(200); // the whole chain
        }
    }

    @Test
    void aResponseOutlastingTheDrainTimeoutIsCutWith1001() throws Exception {
        ConfigurableApplicationContext draining = replica("200ms");
        try (RawWebSocket socket = RawWebSocket.connect(portOf(draining), ACME_KEY)) {
            socket.send(create("FLOOD " + "token ".repeat(3_000), null)); // a minute of streaming
            socket.until("response.output_text.delta");

            draining.close();

            assertThat(socket.awaitClose()).isEqualTo(1001);
            List<JsonNode> received = socket.unread();
            assertThat(received)
                    .noneMatch(frame -> frame.path("type").asString().equals("response.completed"));
        }
    }

    private static String create(String input, String previous) {
        return "{\"type\":\"response.create\",\"model\":\"" + MODEL + "\",\"store\":true,\"input\":\"" + input + "\""
                + (previous == null ? "" : ",\"previous_response_id\":\"" + previous + "\"") + "}";
    }

    /** A second api-service replica in front of the same session-service, streaming slowly. */
    private static ConfigurableApplicationContext replica(String drainTimeout) {
        return ApiReplica.start(
                "--hotloop.model.simulator.tokens-per-second=50",
                "--hotloop.api.websocket.drain-timeout=" + drainTimeout);
    }

    private static int portOf(ConfigurableApplicationContext replica) {
        return ApiReplica.port(replica);
    }
}
