package dev.hotloop.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hotloop.testsupport.TestRedis;
import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

/**
 * api-service in a JVM of its own with the heap the Helm chart gives it (75 % of 768Mi), taking several requests of
 * the largest accepted size at once, each one run without whitespace (the tokenizer's worst case): all answered, and
 * the process still serves afterwards.
 */
class ChartHeapHeadroomTest {

    private static final String CHART_HEAP = "-Xmx576m";
    private static final int CONCURRENT = 4;
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Process api;

    @AfterEach
    void stop() {
        if (api != null) {
            api.destroyForcibly();
        }
    }

    @Test
    void largestRequestsAtOnceFitTheChartsHeap() throws Exception {
        int port = freePort();
        api = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        CHART_HEAP,
                        "-XX:+ExitOnOutOfMemoryError",
                        "-cp",
                        System.getProperty("java.class.path"),
                        ApiServiceApplication.class.getName(),
                        "--server.port=" + port,
                        "--hotloop.security.api-keys=" + PlatformTest.ACME + ":" + PlatformTest.ACME_KEY,
                        "--hotloop.api.session.url=" + SessionServiceFixture.url(),
                        "--spring.data.redis.host=" + TestRedis.host(),
                        "--spring.data.redis.port=" + TestRedis.port(),
                        "--hotloop.model.simulator.time-to-first-token=0ms",
                        "--hotloop.model.simulator.tokens-per-second=0")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        String base = "http://127.0.0.1:" + port + "/v1";
        awaitServing(base);

        // the default hotloop.api.max-request-size, less the JSON around the text
        int largest = (int) DataSize.ofMegabytes(8).toBytes() - 64;
        byte[] body = ("{\"store\": false, \"input\": \"" + "A".repeat(largest) + "\"}").getBytes();
        List<CompletableFuture<HttpResponse<String>>> replies = IntStream.range(0, CONCURRENT)
                .mapToObj(i -> HTTP.sendAsync(post(base, body), HttpResponse.BodyHandlers.ofString()))
                .toList();

        for (CompletableFuture<HttpResponse<String>> reply : replies) {
            assertThat(reply.join().statusCode()).isEqualTo(200);
        }
        assertThat(api.isAlive()).isTrue();
        assertThat(get(base + "/models").statusCode()).isEqualTo(200);
    }

    private static HttpRequest post(String base, byte[] body) {
        return HttpRequest.newBuilder(URI.create(base + "/responses"))
                .header("Authorization", "Bearer " + PlatformTest.ACME_KEY)
                .header("Content-Type", "application/json")
                .timeout(Duration.ofMinutes(2))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
    }

    private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(url))
                        .header("Authorization", "Bearer " + PlatformTest.ACME_KEY)
                        .timeout(Duration.ofSeconds(30))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Waits (at most 3 minutes) until the forked api-service answers. */
    private void awaitServing(String base) {
        await("api-service serving")
                .atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofMillis(500))
                .ignoreException(ConnectException.class)
                .until(() -> {
                    assertThat(api.isAlive())
                            .as("api-service exited while starting")
                            .isTrue();
                    return get(base + "/models").statusCode() == 200;
                });
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
