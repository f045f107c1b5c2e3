package dev.hotloop.api.background;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseStatus;
import dev.hotloop.api.ApiReplica;
import dev.hotloop.api.PlatformTest;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.File;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A replica that dies mid-response: api-service in a process of its own runs a background response and is killed
 * (SIGKILL); this test's replica, which runs no background response itself, sees its lease expire and fails the
 * response cleanly, so pollers and stream followers see it end.
 */
class BackgroundTakeOverTest extends PlatformTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration LEASE = Duration.ofSeconds(2);

    @Autowired
    MeterRegistry meters;

    @Test
    void aKilledReplicasResponseIsFailedByAnotherWithinTheLeaseTime() throws Exception {
        double takeOversBefore = meters.counter("hotloop.background.takeovers").count();
        int port = freePort();
        Process worker = startProcess(
                port,
                "--hotloop.model.simulator.tokens-per-second=50",
                "--hotloop.api.background.workers=4",
                "--hotloop.api.background.poll-interval=50ms",
                "--hotloop.api.background.lease-time=" + LEASE.toMillis() + "ms");
        try {
            await().atMost(Duration.ofSeconds(60))
                    .ignoreExceptions()
                    .until(() -> get(port, "/v1/models").statusCode() == 200);

            Response queued = client().responses()
                    .create(ResponseCreateParams.builder()
                            .model(MODEL)
                            .input("FLOOD " + "token ".repeat(2_000))
                            .background(true)
                            .build());
            await().atMost(Duration.ofSeconds(30))
                    .until(
                            () -> client().responses().retrieve(queued.id()).status(),
                            status -> status.equals(Optional.of(ResponseStatus.IN_PROGRESS)));
            // a follower on this replica, attached while the response runs
            List<String> followed = new CopyOnWriteArrayList<>();
            CompletableFuture<HttpResponse<Void>> following = HTTP.sendAsync(
                    request(port(), "/v1/responses/" + queued.id() + "?stream=true"),
                    HttpResponse.BodyHandlers.ofByteArrayConsumer(chunk ->
                            chunk.ifPresent(bytes -> followed.add(new String(bytes, StandardCharsets.UTF_8)))));
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> String.join("", followed).contains("event:response.output_text.delta"));

            worker.destroyForcibly().waitFor();
            long killed = System.nanoTime();

            Response failed = await().atMost(LEASE.multipliedBy(5))
                    .until(
                            () -> client().responses().retrieve(queued.id()),
                            response -> response.status().equals(Optional.of(ResponseStatus.FAILED)));
            Duration tookOver = Duration.ofNanos(System.nanoTime() - killed);
            assertThat(tookOver).isLessThan(LEASE.multipliedBy(4));
            assertThat(failed.error().orElseThrow().message()).contains("replica running this response stopped");
            assertThat(meters.counter("hotloop.background.takeovers").count()).isGreaterThan(takeOversBefore);
            assertThat(following.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            String events = String.join("", followed);
            assertThat(events.substring(events.lastIndexOf("event:")))
                    .startsWith("event:response.failed\ndata:")
                    .contains("replica running this response stopped");
        } finally {
            worker.destroyForcibly();
        }
    }

    /** api-service in a JVM of its own, on the test JVM's class path, logging to target/. */
    private static Process startProcess(int port, String... settings) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("dev.hotloop.api.ApiServiceApplication");
        for (String argument : ApiReplica.arguments(settings)) {
            command.add(argument.equals("--server.port=0") ? "--server.port=" + port : argument);
        }
        command.add("--spring.config.name=api-service");
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(new File("target/background-takeover-replica.log"))
                .start();
    }

    private int port() {
        return port;
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static HttpRequest request(int port, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + ACME_KEY)
                .timeout(Duration.ofSeconds(60))
                .build();
    }

    private static HttpResponse<String> get(int port, String path) {
        try {
            return HTTP.send(request(port, path), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
