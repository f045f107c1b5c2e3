package dev.hotloop.session.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hotloop.protocol.id.ResponseIds;
import dev.hotloop.session.SessionServiceApplication;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * An agent loop against a session-service on a Redis topology: one chain, a turn at a time, each continuing the last
 * acknowledged (201) turn. A store that fails (a 503 while the primaries change) is not acknowledged; the next turn
 * continues the last acknowledged one instead.
 */
final class TurnLoop {

    static final String TENANT = "acme";
    private static final String RESPONSES = "/internal/v1/tenants/{tenant}/responses";

    private final WebTestClient http;
    private final List<String> acknowledged = new ArrayList<>();

    TurnLoop(ConfigurableApplicationContext service) {
        this.http = WebTestClient.bindToServer()
                .baseUrl("http://127.0.0.1:" + service.getEnvironment().getProperty("local.server.port"))
                // a bound on a hang, not a latency check: a six-node cluster on a loaded 2-core CI machine took >10 s
                .responseTimeout(Duration.ofSeconds(30))
                .build();
    }

    /**
     * Starts session-service on a topology: near cache off, so every read below comes from Redis; a store waits
     * for one replica.
     */
    static ConfigurableApplicationContext startService(String... redisProperties) {
        List<String> properties = new ArrayList<>(List.of(
                "server.port=0",
                "hotloop.session.near-cache.enabled=false",
                "hotloop.session.redis.replica-acks=1",
                "hotloop.session.redis.replica-ack-timeout=500ms",
                "spring.data.redis.timeout=2s",
                "spring.data.redis.connect-timeout=1s"));
        properties.addAll(List.of(redisProperties));
        return SessionServiceApplication.builder()
                .properties(properties.toArray(String[]::new))
                .run();
    }

    /** The chain's tag: every key of the chain is in its slot. */
    String chainTag() {
        return ResponseIds.chainTag(acknowledged.getFirst());
    }

    /** Stores the next turn; true when it was acknowledged. */
    boolean storeTurn() {
        String previous = acknowledged.isEmpty() ? null : acknowledged.getLast();
        String id = previous == null ? ResponseIds.newChain() : ResponseIds.continuing(previous);
        HttpStatusCode status = http.post()
                .uri(RESPONSES, TENANT)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body(id, previous, acknowledged.size()))
                .exchange()
                .expectBody()
                .returnResult()
                .getStatus();
        if (status.isSameCodeAs(HttpStatus.CREATED)) {
            acknowledged.add(id);
            return true;
        }
        assertThat(status.value()).as("a store fails only as unavailable").isEqualTo(503);
        return false;
    }

    /** Stores turns until {@code count} more are acknowledged, pausing after a failure; bounded by a deadline. */
    void storeAcknowledged(int count, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        int target = acknowledged.size() + count;
        while (acknowledged.size() < target) {
            assertThat(System.nanoTime() - deadline)
                    .as("%d turns acknowledged within %s", count, within)
                    .isNegative();
            if (!storeTurn()) {
                pause();
            }
        }
    }

    String lastAcknowledged() {
        return acknowledged.getLast();
    }

    /** Deletes the last acknowledged turn (204). */
    void deleteLast() {
        http.delete()
                .uri(RESPONSES + "/{id}", TENANT, acknowledged.removeLast())
                .exchange()
                .expectStatus()
                .isNoContent()
                .expectBody()
                .isEmpty();
    }

    void assertAbsent(String id) {
        http.get()
                .uri(RESPONSES + "/{id}", TENANT, id)
                .exchange()
                .expectStatus()
                .isNotFound()
                .expectBody()
                .jsonPath("$.error.code")
                .isEqualTo("response_not_found");
    }

    int acknowledgedCount() {
        return acknowledged.size();
    }

    /** Every acknowledged turn reads back from Redis with its whole context: nothing acknowledged was lost. */
    void assertNothingAcknowledgedLost() {
        for (int turn = 0; turn < acknowledged.size(); turn++) {
            http.get()
                    .uri(RESPONSES + "/{id}/context", TENANT, acknowledged.get(turn))
                    .exchange()
                    .expectStatus()
                    .isOk()
                    .expectBody()
                    .jsonPath("$.depth")
                    .isEqualTo(turn + 1)
                    .jsonPath("$.items.length()")
                    .isEqualTo(turn + 1)
                    .jsonPath("$.items[" + turn + "].item.content[0].text")
                    .isEqualTo("turn " + turn);
        }
    }

    private static String body(String id, String previous, int turn) {
        return """
                {"response":{"id":"%s","object":"response","output":[]},"previous_response_id":%s,
                 "input":[{"tokens":3,"item":{"type":"message","role":"user","content":[{"type":"input_text","text":"turn %d"}]}}],
                 "output":[]}""".formatted(id, previous == null ? "null" : "\"" + previous + "\"", turn);
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
