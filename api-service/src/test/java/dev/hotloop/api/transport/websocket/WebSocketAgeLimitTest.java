package dev.hotloop.api.transport.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hotloop.api.PlatformTest;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/** A connection ends at its maximum age (a second here) with websocket_connection_limit_reached. */
@TestPropertySource(properties = "hotloop.api.websocket.max-connection-age=1s")
class WebSocketAgeLimitTest extends PlatformTest {

    @Test
    void connectionEndsAtItsMaximumAge() throws Exception {
        try (RawWebSocket socket = RawWebSocket.connect(port, ACME_KEY)) {
            socket.send("{\"type\":\"response.create\",\"input\":\"quick\",\"store\":false}");
            assertThat(socket.until("response.completed")).isNotEmpty();

            JsonNode limit = socket.next();

            assertThat(limit.path("type").asString()).isEqualTo("error");
            assertThat(limit.at("/error/code").asString()).isEqualTo("websocket_connection_limit_reached");
            assertThat(socket.awaitClose()).isEqualTo(1000);
        }
    }
}
