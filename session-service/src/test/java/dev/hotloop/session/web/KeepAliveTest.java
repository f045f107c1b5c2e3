package dev.hotloop.session.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hotloop.protocol.id.ResponseIds;
import dev.hotloop.session.SessionServiceIntegrationTest;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * A keep-alive connection is still read after a request that came in while the one before it was being finished was
 * answered at once. Reactor Netty 1.3.7 queued such a request, answered it, and then stopped reading the connection
 * (reactor-netty#4347): whichever request a client sent next on it got no answer ever, a stall of the client's whole
 * timeout (issue 10, finding 13). A pooled client's next request outruns the server's cleanup of the previous one now
 * and then on a loaded machine; a pipelined one does every time.
 */
class KeepAliveTest extends SessionServiceIntegrationTest {

    /** A bound on a hang, not a latency check. */
    private static final Duration NO_ANSWER = Duration.ofSeconds(10);

    @LocalServerPort
    private int port;

    @Test
    void aConnectionIsStillReadAfterAQueuedRequestWasAnsweredAtOnce() throws IOException {
        // a well-formed unknown id is looked up in Redis; a malformed one is refused before any Redis call
        String fromRedis = get(RESPONSES.replace("{tenant}", TENANT) + "/" + ResponseIds.newChain());
        String atOnce = get(RESPONSES.replace("{tenant}", TENANT) + "/resp_malformed");
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(Math.toIntExact(NO_ANSWER.toMillis()));
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();

            // pipelined, the second request surely arrives while the first still waits for Redis
            out.write((fromRedis + atOnce).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(statusOf(in)).isEqualTo(404);
            assertThat(statusOf(in)).isEqualTo(404);

            out.write(atOnce.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(statusOf(in)).as("answer on the same connection").isEqualTo(404);
        }
    }

    private static String get(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: localhost\r\nAccept: application/json\r\n\r\n";
    }

    /** Reads one response with a {@code Content-Length} body; returns its status. */
    private static int statusOf(InputStream in) throws IOException {
        String head = readHead(in);
        int status = Integer.parseInt(head.substring(9, 12));
        long length = head.lines()
                .filter(line -> line.regionMatches(true, 0, "content-length:", 0, 15))
                .mapToLong(line -> Long.parseLong(line.substring(15).trim()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no Content-Length in " + head));
        assertThat(in.readNBytes(Math.toIntExact(length))).hasSize(Math.toIntExact(length));
        return status;
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (head.length() < 4 || !head.substring(head.length() - 4).equals("\r\n\r\n")) {
            int next = in.read();
            if (next < 0) {
                throw new AssertionError("connection closed after " + head);
            }
            head.append((char) next);
        }
        return head.toString();
    }
}
