package dev.hotloop.api.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import dev.hotloop.api.ModelRoutesPlatformTest;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * All three remote clients are built one way, so each is observed the same: a model upstream's requests, as
 * session-service's, are {@code http.client.requests} observations (the timer, a client span and W3C trace context),
 * and its pool reports Reactor Netty's pool metrics.
 */
class RemoteClientObservationTest extends ModelRoutesPlatformTest {

    @Autowired
    private MeterRegistry meters;

    @Test
    void upstreamAndSessionServiceCallsAreObservedAlike() {
        Response response = client().responses()
                .create(ResponseCreateParams.builder()
                        .model("sim-chat")
                        .input("observed?")
                        .build());
        assertThat(response.id()).startsWith("resp_");

        assertThat(meters.find("http.client.requests").timers())
                .as(
                        "observed client requests: %s",
                        meters.find("http.client.requests").timers().stream()
                                .map(Timer::getId)
                                .toList())
                .anySatisfy(timer -> assertThat(timer.getId().getTag("uri")).isEqualTo("/v1/chat/completions"))
                .anySatisfy(timer ->
                        assertThat(timer.getId().getTag("uri")).contains("/internal/v1/tenants/{tenant}/responses"));
        assertThat(Metrics.globalRegistry
                        .find("reactor.netty.connection.provider.total.connections")
                        .gauges())
                .extracting(gauge -> gauge.getId().getTag("name"))
                .contains("session-service")
                .anySatisfy(name -> assertThat(name).startsWith("upstream-sim-chat[0]"));
    }
}
