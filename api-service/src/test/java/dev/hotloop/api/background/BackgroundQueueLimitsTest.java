package dev.hotloop.api.background;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hotloop.api.ApiReplica;
import dev.hotloop.api.PlatformTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The queue's bounds, with no worker anywhere (so what is queued stays queued): per tenant and overall, a create past
 * them is a 429; cancelling a queued response frees its place at once.
 */
class BackgroundQueueLimitsTest extends PlatformTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Pattern ID = Pattern.compile("\"id\":\"(resp_[0-9a-f]+)\"");

    @Test
    void createsPastTheTenantsOrTheOverallBoundAre429UntilACancelFreesAPlace() {
        List<String> queued = new ArrayList<>();
        try (ConfigurableApplicationContext perTenant = ApiReplica.start(
                        "--hotloop.api.background.workers=0", "--hotloop.api.background.max-queued-per-tenant=2");
                ConfigurableApplicationContext overall = ApiReplica.start(
                        "--hotloop.api.background.workers=0", "--hotloop.api.background.max-queued=2")) {
            for (int i = 0; i < 2; i++) {
                HttpResponse<String> accepted = create(perTenant);
                assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
                assertThat(accepted.body()).contains("\"status\":\"queued\"");
                queued.add(id(accepted.body()));
            }

            HttpResponse<String> tenantFull = create(perTenant);
            HttpResponse<String> queueFull = create(overall);

            assertThat(tenantFull.statusCode()).isEqualTo(429);
            assertThat(tenantFull.body()).contains("rate_limit_exceeded").contains("for this organization");
            assertThat(queueFull.statusCode()).isEqualTo(429);
            assertThat(queueFull.body()).contains("rate_limit_exceeded").doesNotContain("for this organization");

            HttpResponse<String> cancelled = post(port, "/v1/responses/" + queued.removeFirst() + "/cancel", "");
            assertThat(cancelled.statusCode()).isEqualTo(200);
            assertThat(cancelled.body()).contains("\"status\":\"cancelled\"");
            HttpResponse<String> again = create(overall);
            assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
            queued.add(id(again.body()));
        } finally {
            // nothing stays queued for the workers of later tests
            queued.forEach(id -> post(port, "/v1/responses/" + id + "/cancel", ""));
        }
    }

    private static HttpResponse<String> create(ConfigurableApplicationContext replica) {
        return post(
                ApiReplica.port(replica),
                "/v1/responses",
                "{\"model\":\"" + MODEL + "\",\"input\":\"wait\",\"background\":true}");
    }

    private static String id(String body) {
        Matcher matcher = ID.matcher(body);
        assertThat(matcher.find()).as(body).isTrue();
        return matcher.group(1);
    }

    private static HttpResponse<String> post(int port, String path, String body) {
        try {
            return HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                            .header("Authorization", "Bearer " + ACME_KEY)
                            .header("Content-Type", "application/json")
                            .timeout(Duration.ofSeconds(30))
                            .POST(HttpRequest.BodyPublishers.ofString(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
