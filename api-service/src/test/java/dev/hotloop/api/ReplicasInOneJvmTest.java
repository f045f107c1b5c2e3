package dev.hotloop.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * api-service replicas that share a JVM (the tests, hotloop-local) each run on event loops of their own: closing one
 * used to dispose Reactor Netty's global loops, on which every other replica in the JVM served, which then refused
 * connections or left requests unanswered.
 */
class ReplicasInOneJvmTest {

    @Test
    void closingOneReplicaLeavesAnotherServing() throws Exception {
        try (ConfigurableApplicationContext staying = ApiReplica.start()) {
            ApiReplica.start().close();

            HttpResponse<String> models = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(
                                            URI.create("http://127.0.0.1:" + ApiReplica.port(staying) + "/v1/models"))
                                    .header("Authorization", "Bearer " + PlatformTest.ACME_KEY)
                                    .timeout(Duration.ofSeconds(10))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());

            assertThat(models.statusCode()).isEqualTo(200);
        }
    }
}
