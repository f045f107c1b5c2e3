package dev.hotloop.api.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.openai.client.OpenAIClient;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import dev.hotloop.api.remote.RendezvousRouter;
import dev.hotloop.api.remote.Replica;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * api-service over two live session-service replicas and a dead one: every call of a chain reaches one replica,
 * the chain's owner or, when the owner is down, the next live one in the chain's rendezvous order.
 */
class ChainAffinityTest extends SessionReplicasPlatformTest {

    private static final int MAX_CHAINS = 60;
    private static final HttpClient SCRAPER = HttpClient.newHttpClient();

    @Autowired
    private SessionClient sessions;

    @Autowired
    private MeterRegistry meters;

    @Test
    void everyCallOfAChainReachesOneReplica() {
        OpenAIClient client = client();
        Set<String> owners = new HashSet<>();
        boolean ownedByTheDeadReplica = false;
        // chains are drawn at random: go on until each replica, the dead one included, owned at least one
        for (int chain = 0; chain < MAX_CHAINS && !(owners.size() == 2 && ownedByTheDeadReplica); chain++) {
            Map<String, Double> before = internalRequests();

            Response first = client.responses().create(ask("hello").build());
            Response second = client.responses()
                    .create(ask("again").previousResponseId(first.id()).build());
            assertThat(client.responses().retrieve(second.id()).id()).isEqualTo(second.id());
            client.responses().delete(first.id());

            List<Replica> order = sessions.replicas().route(RendezvousRouter.chainKey(first.id()));
            ownedByTheDeadReplica |= order.getFirst().baseUrl().equals(DEAD_REPLICA);
            String expected = order.stream()
                    .map(Replica::baseUrl)
                    .filter(url -> !url.equals(DEAD_REPLICA))
                    .findFirst()
                    .orElseThrow();
            owners.add(expected);
            // two stores, a context read, a GET and a DELETE, all on the one replica
            await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(20)).untilAsserted(() -> {
                Map<String, Double> after = internalRequests();
                for (String replica : liveReplicas()) {
                    double served = after.get(replica) - before.get(replica);
                    if (replica.equals(expected)) {
                        assertThat(served)
                                .as("requests of chain %s on its replica %s", first.id(), replica)
                                .isGreaterThanOrEqualTo(4);
                    } else {
                        assertThat(served)
                                .as("requests of chain %s on %s", first.id(), replica)
                                .isZero();
                    }
                }
            });
        }

        assertThat(owners).containsExactlyInAnyOrderElementsOf(liveReplicas());
        assertThat(ownedByTheDeadReplica).isTrue();
        assertThat(meters.get("hotloop.session.failovers").counter().count()).isPositive();
        assertThat(meters.get("hotloop.session.replicas").gauge().value()).isEqualTo(3);
    }

    private ResponseCreateParams.Builder ask(String text) {
        return ResponseCreateParams.builder().model(MODEL).input(text);
    }

    /** Requests each live replica served on its internal API so far, from its own Prometheus endpoint. */
    private static Map<String, Double> internalRequests() {
        Map<String, Double> requests = new HashMap<>();
        for (String replica : liveReplicas()) {
            requests.put(
                    replica,
                    scrape(replica)
                            .lines()
                            .filter(line -> line.startsWith("http_server_requests_seconds_count{")
                                    && line.contains("uri=\"/internal/"))
                            .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                            .sum());
        }
        return requests;
    }

    private static String scrape(String replica) {
        try {
            return SCRAPER.send(
                            HttpRequest.newBuilder(URI.create(replica + "/actuator/prometheus"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
