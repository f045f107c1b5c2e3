package dev.hotloop.api.transport.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hotloop.api.PlatformTest;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * The server's pings and an RFC-compliant client's pongs (the JDK client answers every ping) are keepalive only:
 * never an error frame, and no activity that would keep an idle connection open.
 */
@TestPropertySource(properties = {"hotloop.api.websocket.ping-interval=100ms", "hotloop.api.websocket.idle-timeout=1s"})
class WebSocketKeepaliveTest extends PlatformTest {

    @Test
    void pongsAnsweringPingsAreNeitherErrorsNorActivity() throws Exception {
        try (RawWebSocket socket = RawWebSocket.connect(port, ACME_KEY)) {
            socket.send("{\"type\":\"response.create\",\"input\":\"then idle\",\"store\":false}");
            assertThat(socket.until("response.completed")).isNotEmpty();

            assertThat(socket.awaitClose()).isEqualTo(1000); // idled out, though pongs kept coming
            assertThat(socket.unread()).isEmpty();
        }
    }
}
