package dev.hotloop.api.transport.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hotloop.api.PlatformTest;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Every conversation a connection keeps, each lane's latest included, counts against the one cache budget (256 KB
 * here): past it the least recently used are dropped, hydrated again from the store when stored, else
 * previous_response_not_found.
 */
@TestPropertySource(properties = "hotloop.api.websocket.cache-budget=256KB")
class WebSocketCacheBudgetTest extends PlatformTest {

    private static final int LANES = 32;
    private static final String BULK = "word ".repeat(2_500); // ~2.5k tokens: ~20 KB of conversation per lane

    @Autowired
    private MeterRegistry meters;

    @Test
    void lanesLatestConversationsStayWithinTheBudget() throws Exception {
        try (RawWebSocket socket = RawWebSocket.connect(port, ACME_KEY)) {
            String[] latest = new String[LANES];
            for (int lane = 0; lane < LANES; lane++) {
                boolean store = lane == 0; // the oldest lane is stored, the others are not
                socket.send(create("l" + lane, store, null, BULK));
                latest[lane] = socket.until("response.completed")
                        .getLast()
                        .at("/response/id")
                        .asString();
            }
            socket.send(create("l1", false, latest[1], "go on"));
            JsonNode dropped = socket.next();
            assertThat(dropped.path("type").asString()).isEqualTo("error");
            assertThat(dropped.at("/error/code").asString()).isEqualTo("previous_response_not_found");
            assertThat(dropped.path("stream_id").asString()).isEqualTo("l1");

            socket.send(create("l0", true, latest[0], "go on"));
            assertThat(socket.until("response.completed")
                            .getLast()
                            .at("/response/status")
                            .asString())
                    .isEqualTo("completed"); // hydrated from the store

            socket.send(create("l31", false, latest[LANES - 1], "go on"));
            assertThat(socket.until("response.completed")
                            .getLast()
                            .at("/response/usage/input_tokens")
                            .asInt())
                    .isGreaterThan(2_500); // the newest is still in memory, whole

            assertThat(gauge("hotloop.cache.weight")).isPositive().isLessThanOrEqualTo(256 * 1024);
            assertThat(gauge("hotloop.cache.entries")).isLessThan(LANES);
        }
    }

    private static String create(String lane, boolean store, String previous, String input) {
        return "{\"type\":\"response.create\",\"model\":\"" + MODEL + "\",\"store\":" + store + ",\"stream_id\":\""
                + lane + "\"" + (previous == null ? "" : ",\"previous_response_id\":\"" + previous + "\"")
                + ",\"input\":\"" + input + "\"}";
    }

    private double gauge(String name) {
        return meters.get(name).tag("tier", "connection").gauge().value();
    }
}
