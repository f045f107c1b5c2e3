package dev.hotloop.api.transport.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hotloop.api.PlatformTest;
import dev.hotloop.api.transport.websocket.RawWebSocket;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.search.Search;
import io.netty.util.concurrent.EventExecutor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.test.context.TestPropertySource;
import reactor.netty.resources.LoopResources;
import tools.jackson.databind.JsonNode;

/**
 * A client that stops sending loses its connection instead of holding it for ever, and is no server failure: no
 * ERROR, no {@code status="500"}. A slow answer or a quiet WebSocket connection is not cut by these limits.
 */
@ExtendWith(OutputCaptureExtension.class)
@TestPropertySource(
        properties = {
            "server.netty.idle-timeout=1s",
            "hotloop.api.http.read-timeout=1s",
            "hotloop.api.http.body-timeout=2s",
            "hotloop.model.simulator.tokens-per-second=4"
        })
class ClientTimeoutsTest extends PlatformTest {

    @Autowired
    private MeterRegistry meters;

    @Autowired
    private ReactorResourceFactory resources;

    @Test
    void connectionWithIncompleteHeadersIsClosed() throws IOException {
        try (Socket socket = socket()) {
            socket.getOutputStream()
                    .write("POST /v1/responses HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));

            assertThat(readAll(socket)).doesNotContain("200 OK");
        }
    }

    @Test
    void bodyThatStopsArrivingIs408AndNoServerError(CapturedOutput output) throws IOException {
        double serverErrors = serverErrors();
        try (Socket socket = socket()) {
            OutputStream out = socket.getOutputStream();
            out.write(headers(1_000).getBytes(StandardCharsets.US_ASCII));
            out.write("{\"input\": \"".getBytes(StandardCharsets.US_ASCII));
            out.flush();

            String reply = readAll(socket);
            assertThat(reply).startsWith("HTTP/1.1 408");
        }
        assertThat(serverErrors()).isEqualTo(serverErrors);
        assertThat(output.getAll()).doesNotContain("Unexpected failure serving");
    }

    @Test
    void abortedUploadIsNoServerError(CapturedOutput output) throws Exception {
        double serverErrors = serverErrors();
        long exchanges = exchanges();
        for (int i = 0; i < 5; i++) {
            try (Socket socket = socket()) {
                OutputStream out = socket.getOutputStream();
                out.write(headers(100_000).getBytes(StandardCharsets.US_ASCII));
                out.write(("{\"input\": \"" + "x".repeat(10_000)).getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
        }
        // each aborted exchange is recorded (a 499, or cancelled while its limits were checked) and the event loop
        // that recorded it has run what followed: what these exchanges log there is in the output by then
        await().atMost(Duration.ofSeconds(30)).until(() -> exchanges() >= exchanges + 5);
        for (EventExecutor loop : resources.getLoopResources().onServer(LoopResources.DEFAULT_NATIVE)) {
            loop.submit(() -> {}).get();
        }

        assertThat(serverErrors()).isEqualTo(serverErrors);
        assertThat(output.getAll()).doesNotContain("Unexpected failure serving").doesNotContain(" ERROR ");
    }

    @Test
    void streamLongerThanEveryTimeoutIsNotCut() {
        // at 4 tokens per second this answer streams for several seconds, past the 1 s and 2 s limits
        RawHttp.Reply reply = new RawHttp(baseUrl(), ACME_KEY)
                .post(
                        "/responses",
                        "{\"input\": \"one two three four five six seven eight nine ten\", \"stream\": true, \"store\": false}");

        List<JsonNode> events = reply.events();
        assertThat(events.getLast().path("type").asString()).isEqualTo("response.completed");
    }

    @Test
    void quietWebSocketOutlivesTheHttpTimeouts() throws Exception {
        try (RawWebSocket socket = RawWebSocket.connect(port, ACME_KEY)) {
            Thread.sleep(3_000); // quiet for longer than the idle, read and request timeouts together
            socket.send("{\"type\": \"response.create\", \"input\": \"hi\", \"store\": false}");

            assertThat(socket.until("response.completed")).isNotEmpty();
        }
    }

    private Socket socket() throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(30_000);
        return socket;
    }

    private static String headers(int contentLength) {
        return "POST /v1/responses HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + ACME_KEY
                + "\r\nContent-Type: application/json\r\nContent-Length: " + contentLength + "\r\n\r\n";
    }

    /** What the server sends until it closes the connection (fails after 30 s). */
    private static String readAll(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        for (int read; (read = in.read(buffer)) != -1; ) {
            received.write(buffer, 0, read);
        }
        return received.toString(StandardCharsets.UTF_8);
    }

    /** Requests the server has finished with, whatever their outcome. */
    private long exchanges() {
        return Search.in(meters).name("http.server.requests").timers().stream()
                .mapToLong(Timer::count)
                .sum();
    }

    private double serverErrors() {
        return Search.in(meters).name("http.server.requests").tag("status", "500").timers().stream()
                .mapToDouble(timer -> timer.count())
                .sum();
    }
}
