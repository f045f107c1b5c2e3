package dev.hotloop.api.background;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseRetrieveParams;
import com.openai.models.responses.ResponseStatus;
import com.openai.models.responses.ResponseStreamEvent;
import dev.hotloop.api.ApiReplica;
import dev.hotloop.api.PlatformTest;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Background responses across two replicas: this test's shared context takes the requests and runs no background
 * response; a second replica, streaming slowly, is the worker that claims them from the queue in Redis.
 */
class BackgroundTest extends PlatformTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** ~40 s of streaming at the worker's 50 tokens per second: running until cancelled. */
    private static final String LONG = "FLOOD " + "token ".repeat(2_000);

    private static ConfigurableApplicationContext worker;

    @BeforeAll
    static void startWorker() {
        worker = ApiReplica.start(
                "--hotloop.model.simulator.tokens-per-second=50",
                "--hotloop.api.background.workers=4",
                "--hotloop.api.background.poll-interval=50ms");
    }

    @AfterAll
    static void stopWorker() {
        worker.close();
    }

    @Test
    void theOfficialClientCreatesPollsAndResumesABackgroundResponseRunOnAnotherReplica() {
        Response queued = createInBackground("FLOOD " + "word ".repeat(200));
        assertThat(queued.status()).contains(ResponseStatus.QUEUED);
        assertThat(queued.background()).contains(true);

        List<ResponseStatus> seen = new ArrayList<>();
        Response done = await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(20))
                .until(
                        () -> {
                            Response polled = client().responses().retrieve(queued.id());
                            polled.status().ifPresent(seen::add);
                            return polled;
                        },
                        polled -> polled.status().equals(Optional.of(ResponseStatus.COMPLETED)));
        assertThat(seen).contains(ResponseStatus.IN_PROGRESS);
        assertThat(outputText(done)).contains("word word");

        List<Long> sequence = new ArrayList<>();
        Response streamed = null;
        try (StreamResponse<ResponseStreamEvent> events = client().responses()
                .retrieveStreaming(
                        queued.id(),
                        ResponseRetrieveParams.builder().startingAfter(3).build())) {
            for (ResponseStreamEvent event : (Iterable<ResponseStreamEvent>) events.stream()::iterator) {
                sequence.add(event.isCompleted() ? event.asCompleted().sequenceNumber() : -1L);
                if (event.isCompleted()) {
                    streamed = event.asCompleted().response();
                }
            }
        }
        assertThat(streamed).isNotNull();
        assertThat(outputText(streamed)).isEqualTo(outputText(done));

        // the worker replica and this one replay the same bytes
        assertThat(replay(workerUrl(), queued.id(), 3)).isEqualTo(replay(baseUrl(), queued.id(), 3));
    }

    @Test
    void aStreamedBackgroundCreateFollowsTheWorkersEventsToTheEnd() {
        HttpResponse<String> streamed = send(HttpRequest.newBuilder(URI.create(baseUrl() + "/responses"))
                .header("Authorization", "Bearer " + ACME_KEY)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + MODEL
                        + "\",\"input\":\"streamed in the background\",\"background\":true,\"stream\":true}")));

        assertThat(streamed.statusCode()).isEqualTo(200);
        assertThat(streamed.body()).startsWith("event:response.created").contains("event:response.completed");
    }

    @Test
    void aCancelFromThisReplicaStopsTheModelOnTheWorker() {
        MeterRegistry workerMeters = worker.getBean(MeterRegistry.class);
        double cancelledBefore =
                workerMeters.counter("hotloop.model.streams.cancelled").count();
        Response queued = createInBackground(LONG);
        awaitStatus(queued.id(), ResponseStatus.IN_PROGRESS);

        Response cancelled = client().responses().cancel(queued.id());

        assertThat(cancelled.status()).contains(ResponseStatus.CANCELLED);
        BackgroundWorkers workers = worker.getBean(BackgroundWorkers.class);
        await().atMost(Duration.ofSeconds(10)).until(() -> workers.running() == 0);
        assertThat(workerMeters.counter("hotloop.model.streams.cancelled").count())
                .isGreaterThan(cancelledBefore);
        assertThat(client().responses().retrieve(queued.id()).status()).contains(ResponseStatus.CANCELLED);
        // a follower ends where the response was stopped
        assertThat(replay(baseUrl(), queued.id(), null))
                .contains("event:response.in_progress")
                .doesNotContain("event:response.completed");
        // cancelling again returns it unchanged
        assertThat(client().responses().cancel(queued.id()).status()).contains(ResponseStatus.CANCELLED);
    }

    @Test
    void cancellingAFinishedBackgroundResponseReturnsItUnchanged() {
        Response queued = createInBackground("quick");
        awaitStatus(queued.id(), ResponseStatus.COMPLETED);

        Response cancelled = client().responses().cancel(queued.id());

        assertThat(cancelled.status()).contains(ResponseStatus.COMPLETED);
        assertThat(outputText(cancelled))
                .isEqualTo(outputText(client().responses().retrieve(queued.id())));
    }

    @Test
    void cancellingAForegroundResponseIs400AsOpenAi() {
        Response foreground = client().responses()
                .create(ResponseCreateParams.builder()
                        .model(MODEL)
                        .input("hello")
                        .build());

        assertThatThrownBy(() -> client().responses().cancel(foreground.id()))
                .isInstanceOf(BadRequestException.class)
                .hasMessageContaining("Cannot cancel a synchronous response.");
    }

    @Test
    void cancellingAnUnknownResponseIs404() {
        HttpResponse<String> reply = send(HttpRequest.newBuilder(URI.create(
                        baseUrl() + "/responses/resp_00000000000000000000000000000000000000000000000/cancel"))
                .header("Authorization", "Bearer " + ACME_KEY)
                .POST(HttpRequest.BodyPublishers.noBody()));

        assertThat(reply.statusCode()).isEqualTo(404);
    }

    @Test
    void anotherTenantNeitherSeesNorCancelsABackgroundResponse() {
        Response queued = createInBackground(LONG);

        HttpResponse<String> seen = send(HttpRequest.newBuilder(URI.create(baseUrl() + "/responses/" + queued.id()))
                .header("Authorization", "Bearer " + OTHER_KEY)
                .GET());
        HttpResponse<String> cancelled =
                send(HttpRequest.newBuilder(URI.create(baseUrl() + "/responses/" + queued.id() + "/cancel"))
                        .header("Authorization", "Bearer " + OTHER_KEY)
                        .POST(HttpRequest.BodyPublishers.noBody()));

        assertThat(seen.statusCode()).isEqualTo(404);
        assertThat(cancelled.statusCode()).isEqualTo(404);
        assertThat(client().responses().cancel(queued.id()).status()).contains(ResponseStatus.CANCELLED);
    }

    private Response createInBackground(String input) {
        return client().responses()
                .create(ResponseCreateParams.builder()
                        .model(MODEL)
                        .input(input)
                        .background(true)
                        .build());
    }

    private void awaitStatus(String id, ResponseStatus status) {
        await().atMost(Duration.ofSeconds(30))
                .until(() -> client().responses().retrieve(id).status(), seen -> seen.equals(Optional.of(status)));
    }

    private static String workerUrl() {
        return "http://127.0.0.1:" + ApiReplica.port(worker) + "/v1";
    }

    private static String replay(String url, String id, Integer startingAfter) {
        HttpResponse<String> reply = send(HttpRequest.newBuilder(URI.create(url + "/responses/" + id + "?stream=true"
                        + (startingAfter == null ? "" : "&starting_after=" + startingAfter)))
                .header("Authorization", "Bearer " + ACME_KEY)
                .GET());
        assertThat(reply.statusCode()).as(reply.body()).isEqualTo(200);
        return reply.body();
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
