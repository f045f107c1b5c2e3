package dev.hotloop.api.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseStatus;
import dev.hotloop.api.PlatformTest;
import dev.hotloop.protocol.json.ProtocolJson;
import dev.hotloop.testsupport.WireSpecs;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Issue 10, finding 1: a tenant stores a response whose context the store cannot serve back (an input with a lone
 * surrogate), then reads it again and again. Those reads fail for that tenant alone: the store's breaker stays
 * closed, and another tenant's chain goes on.
 */
class PoisonedResponseTest extends PlatformTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Autowired
    private SessionClient sessions;

    @Test
    void readsOfAResponseTheStoreCannotServeFailOnlyThemselves() throws IOException, InterruptedException {
        HttpResponse<String> created = send(HttpRequest.newBuilder(URI.create(baseUrl() + "/responses"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + MODEL + "\",\"input\":\"x\\ud800y\"}")));
        String id = ProtocolJson.mapper().readTree(created.body()).path("id").asString("resp_unknown");
        for (int read = 0; read < 40; read++) {
            send(HttpRequest.newBuilder(URI.create(baseUrl() + "/responses/" + id + "/input_items"))
                    .GET());
        }

        Response first = client().responses()
                .create(ResponseCreateParams.builder()
                        .model(MODEL)
                        .input("hello")
                        .build());
        Response second = client().responses()
                .create(ResponseCreateParams.builder()
                        .model(MODEL)
                        .input("again")
                        .previousResponseId(first.id())
                        .build());

        assertThat(second.status()).contains(ResponseStatus.COMPLETED);
        assertThat(sessions.replicas().all())
                .allSatisfy(replica ->
                        assertThat(replica.circuitBreaker().getState()).isEqualTo(CircuitBreaker.State.CLOSED));
    }

    /** As tenant {@code OTHER}. */
    private static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return WireSpecs.get()
                .checkHttpResponse(HTTP.send(
                        request.header("Authorization", "Bearer " + OTHER_KEY).build(),
                        HttpResponse.BodyHandlers.ofString()));
    }
}
