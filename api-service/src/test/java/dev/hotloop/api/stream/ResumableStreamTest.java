package dev.hotloop.api.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.core.http.StreamResponse;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseErrorEvent;
import com.openai.models.responses.ResponseRetrieveParams;
import com.openai.models.responses.ResponseStreamEvent;
import dev.hotloop.api.ApiReplica;
import dev.hotloop.api.PlatformTest;
import dev.hotloop.api.SpecCheckedTransport;
import dev.hotloop.protocol.id.ChainKeys;
import dev.hotloop.protocol.id.ResponseIds;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Resumable streams across two replicas: responses stream from a second, slow replica ({@code B}) and are replayed
 * and followed on this test's shared context ({@code A}), through the same Redis.
 */
class ResumableStreamTest extends PlatformTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Pattern SEQUENCE = Pattern.compile("\"sequence_number\":(\\d+)");
    private static final Pattern ID = Pattern.compile("\"id\":\"(resp_[0-9a-f]+)\"");
    /** ~2 s of streaming at B's 100 tokens per second. */
    private static final String SLOW = "FLOOD " + "token ".repeat(200);

    private static ConfigurableApplicationContext replicaB;

    @BeforeAll
    static void startReplicaB() {
        // B's followers give up on a silent response after a second (A's, as configured, after ten minutes)
        replicaB = ApiReplica.start(
                "--hotloop.model.simulator.tokens-per-second=100",
                "--hotloop.api.streams.idle-timeout=1s",
                "--hotloop.api.streams.follow-poll=200ms");
    }

    @AfterAll
    static void stopReplicaB() {
        replicaB.close();
    }

    @Test
    void aReplayOnAnotherReplicaIsByteIdenticalToWhatTheFirstClientSaw() {
        String first = send(post(urlOf(replicaB), "a short one", true)).body();
        String id = firstMatch(ID, first);

        String replayed = send(get(url(), id, null)).body();

        assertThat(replayed).isEqualTo(first).contains("event:response.completed");
    }

    @Test
    void aReplayStartingAfterNSendsExactlyTheEventsAfterN() {
        String first = send(post(urlOf(replicaB), "a short one", true)).body();
        String id = firstMatch(ID, first);
        List<String> events = List.of(first.split("\n\n"));

        String fromThird = send(get(url(), id, 2)).body();

        assertThat(List.of(fromThird.split("\n\n"))).isEqualTo(events.subList(3, events.size()));
    }

    @Test
    void aDroppedForegroundStreamIsResumedOnAnotherReplicaToTheSameFinalResponse() throws Exception {
        String id;
        int lastSeen;
        HttpResponse<java.io.InputStream> live =
                HTTP.send(post(urlOf(replicaB), SLOW, true), HttpResponse.BodyHandlers.ofInputStream());
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(live.body(), StandardCharsets.UTF_8))) {
            String created = readUntil(reader, "response.output_text.delta");
            id = firstMatch(ID, created);
            lastSeen = lastSequence(created);
        } // the client drops mid-stream

        String resumed = send(get(url(), id, lastSeen)).body();

        assertThat(firstSequence(resumed)).isEqualTo(lastSeen + 1);
        assertThat(resumed).contains("event:response.completed");
        Response stored = client().responses().retrieve(id);
        assertThat(outputText(stored)).contains("token token");
        assertThat(resumed).contains(outputText(stored).substring(0, 20));
    }

    @Test
    void aFollowerArrivingBeforeTheFirstBatchIsWrittenFindsTheResponse() throws Exception {
        // with a 2 s batch window nothing but the first event is in the log when its client has seen it; that one
        // is written before the client sees it (before, a follower this early got 404)
        ConfigurableApplicationContext slowLog = ApiReplica.start("--hotloop.api.streams.batch-window=2s");
        try {
            HttpResponse<java.io.InputStream> live =
                    HTTP.send(post(urlOf(slowLog), "a short one", true), HttpResponse.BodyHandlers.ofInputStream());
            try (BufferedReader reader =
                    new BufferedReader(new InputStreamReader(live.body(), StandardCharsets.UTF_8))) {
                String id = firstMatch(ID, readUntil(reader, "response.created"));

                HttpResponse<String> followed = send(get(url(), id, 0));

                assertThat(followed.statusCode()).isEqualTo(200);
                assertThat(followed.body()).contains("event:response.completed");
            }
        } finally {
            slowLog.close();
        }
    }

    @Test
    void theOfficialClientFollowsALiveResponseFromAnotherReplicaWithStartingAfter() throws Exception {
        HttpResponse<java.io.InputStream> live =
                HTTP.send(post(urlOf(replicaB), SLOW, true), HttpResponse.BodyHandlers.ofInputStream());
        String id;
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(live.body(), StandardCharsets.UTF_8))) {
            id = firstMatch(ID, readUntil(reader, "response.in_progress"));

            List<Long> sequence = new ArrayList<>();
            Response completed = null;
            try (StreamResponse<ResponseStreamEvent> followed = client().responses()
                    .retrieveStreaming(
                            id,
                            ResponseRetrieveParams.builder().startingAfter(1).build())) {
                for (ResponseStreamEvent event : (Iterable<ResponseStreamEvent>) followed.stream()::iterator) {
                    sequence.add(sequenceNumber(event));
                    if (event.isCompleted()) {
                        completed = event.asCompleted().response();
                    }
                }
            }

            assertThat(sequence.getFirst()).isEqualTo(2);
            for (int i = 1; i < sequence.size(); i++) {
                assertThat(sequence.get(i)).isEqualTo(sequence.get(i - 1) + 1);
            }
            assertThat(completed).isNotNull();
            assertThat(completed.id()).isEqualTo(id);
            assertThat(outputText(completed))
                    .isEqualTo(outputText(client().responses().retrieve(id)));
        }
    }

    @Test
    void aFollowerOfAResponseThatStoppedWithoutAnEndIsToldByAnErrorEvent() {
        // a stored, streamed response whose replica died after two events: nothing will ever end it
        String id = ResponseIds.newChain();
        replicaB.getBean(EventLog.class)
                .append(
                        ChainKeys.of(ACME, id).orElseThrow(),
                        List.of(
                                new EventFrame(0, "response.created", "{}", false),
                                new EventFrame(1, "response.in_progress", "{}", false)))
                .block(Duration.ofSeconds(10));

        List<ResponseStreamEvent> events = new ArrayList<>();
        try (StreamResponse<ResponseStreamEvent> followed = SpecCheckedTransport.client(urlOf(replicaB), ACME_KEY)
                .responses()
                .retrieveStreaming(
                        id, ResponseRetrieveParams.builder().startingAfter(1).build())) {
            followed.stream().forEach(events::add);
        }

        // before, the stream just ended: a client could not tell it from a finished one
        assertThat(events).hasSize(1);
        ResponseErrorEvent error = events.getFirst().asError();
        assertThat(error.sequenceNumber()).isEqualTo(2);
        assertThat(error.code()).contains("server_error");
        assertThat(error.message()).contains("gone or stuck");
    }

    @Test
    void aReplayStartingAfterTheLastEventOfAFinishedResponseEndsAtOnce() {
        String first = send(post(urlOf(replicaB), "a short one", true)).body();

        HttpResponse<String> replay = send(get(url(), firstMatch(ID, first), lastSequence(first)));

        assertThat(replay.statusCode()).isEqualTo(200);
        assertThat(replay.body()).isEmpty();
    }

    @Test
    void aResponseThatIsNotStoredHasNoStreamToResume() {
        String first = send(post(urlOf(replicaB), "not stored", false)).body();

        HttpResponse<String> replay = send(get(url(), firstMatch(ID, first), null));

        assertThat(replay.statusCode()).isEqualTo(404);
    }

    @Test
    void anotherTenantCannotReplayAStream() {
        String id = firstMatch(ID, send(post(urlOf(replicaB), "mine", true)).body());

        HttpResponse<String> replay =
                send(HttpRequest.newBuilder(URI.create(url() + "/responses/" + id + "?stream=true"))
                        .header("Authorization", "Bearer " + OTHER_KEY)
                        .timeout(Duration.ofSeconds(30))
                        .build());

        assertThat(replay.statusCode()).isEqualTo(404);
    }

    @Test
    void aNegativeStartingAfterIsRefused() {
        String id = firstMatch(ID, send(post(urlOf(replicaB), "mine", true)).body());

        HttpResponse<String> replay = send(get(url(), id, -2));

        assertThat(replay.statusCode()).isEqualTo(400);
        assertThat(replay.body()).contains("starting_after");
    }

    private static long sequenceNumber(ResponseStreamEvent event) {
        return Long.parseLong(
                firstMatch(SEQUENCE, event.toString().replace("sequenceNumber=", "\"sequence_number\":")));
    }

    private static String readUntil(BufferedReader reader, String eventType) throws Exception {
        StringBuilder read = new StringBuilder();
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            read.append(line).append('\n');
            if (line.equals("event:" + eventType)) {
                read.append(reader.readLine()).append('\n');
                return read.toString();
            }
        }
        throw new AssertionError("No " + eventType + " in " + read);
    }

    private static int firstSequence(String events) {
        return Integer.parseInt(firstMatch(SEQUENCE, events));
    }

    private static int lastSequence(String events) {
        Matcher matcher = SEQUENCE.matcher(events);
        int last = -1;
        while (matcher.find()) {
            last = Integer.parseInt(matcher.group(1));
        }
        return last;
    }

    private static String firstMatch(Pattern pattern, String text) {
        Matcher matcher = pattern.matcher(text);
        assertThat(matcher.find()).as("%s in %s", pattern, text).isTrue();
        return matcher.group(1);
    }

    private String url() {
        return baseUrl();
    }

    private static String urlOf(ConfigurableApplicationContext replica) {
        return "http://127.0.0.1:" + ApiReplica.port(replica) + "/v1";
    }

    private static HttpRequest post(String url, String input, boolean store) {
        return HttpRequest.newBuilder(URI.create(url + "/responses"))
                .header("Authorization", "Bearer " + ACME_KEY)
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + MODEL + "\",\"input\":\"" + input
                        + "\",\"stream\":true,\"store\":" + store + "}"))
                .build();
    }

    private static HttpRequest get(String url, String id, Integer startingAfter) {
        return HttpRequest.newBuilder(URI.create(url + "/responses/" + id + "?stream=true"
                        + (startingAfter == null ? "" : "&starting_after=" + startingAfter)))
                .header("Authorization", "Bearer " + ACME_KEY)
                .timeout(Duration.ofSeconds(30))
                .build();
    }

    private static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
