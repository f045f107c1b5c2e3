package dev.hotloop.api.model.responses;

import static dev.hotloop.api.model.ModelRequests.calls;
import static dev.hotloop.api.model.ModelRequests.events;
import static dev.hotloop.api.model.ModelRequests.finish;
import static dev.hotloop.api.model.ModelRequests.followUp;
import static dev.hotloop.api.model.ModelRequests.request;
import static dev.hotloop.api.model.ModelRequests.text;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hotloop.api.model.ModelRequests;
import dev.hotloop.api.model.TestRoutes;
import dev.hotloop.api.model.routing.RoutedModel;
import dev.hotloop.protocol.model.FinishReason;
import dev.hotloop.protocol.model.ModelEvent;
import dev.hotloop.protocol.model.ModelRequest;
import dev.hotloop.simulator.SimulatorSettings;
import dev.hotloop.simulator.server.SimulatorServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The openai-responses provider against the standalone simulator's Responses API over real loopback sockets. */
class OpenAiResponsesProviderContractTest {

    private static SimulatorServer simulator;

    @BeforeAll
    static void start() {
        simulator = SimulatorServer.start(SimulatorSettings.unthrottled());
    }

    @AfterAll
    static void stop() {
        simulator.close();
    }

    private static RoutedModel responses(boolean chained) {
        return TestRoutes.route(
                "m",
                Map.of(
                        "routes.m[0].provider",
                        "openai-responses",
                        "routes.m[0].url",
                        simulator.baseUrl(),
                        "routes.m[0].upstream-model",
                        "hotloop-sim",
                        "routes.m[0].previous-response-id",
                        String.valueOf(chained)));
    }

    private static JsonNode lastBody() {
        return simulator.recentBodies().getLast();
    }

    @Test
    void statelessTurnsSendTheWholeContextWithStoreFalse() {
        RoutedModel model = responses(false);
        ModelRequest first = request("{\"instructions\":\"Be brief.\",\"input\":\"weather please\",\"tools\":["
                + ModelRequests.WEATHER + "]}");

        List<ModelEvent> turn1 = events(model.stream(first));
        ModelRequests.Call call = calls(turn1).getFirst();
        assertThat(call.name()).isEqualTo("get_weather");
        assertThat(lastBody().path("store").asBoolean(true)).isFalse();
        assertThat(lastBody().path("input").get(0).has("id")).isFalse();

        List<ModelEvent> turn2 = events(model.stream(followUp(first, """
                [{"type":"function_call","call_id":"%s","name":"get_weather","arguments":"{}"},
                 {"type":"function_call_output","call_id":"%s","output":"sunny"}]""".formatted(call.callId(), call.callId()))));
        assertThat(text(turn2)).isEqualTo("The tool get_weather returned: sunny");
        assertThat(lastBody().path("input")).hasSize(3);
        assertThat(lastBody().has("previous_response_id")).isFalse();
        assertThat(finish(turn2).usage().inputTokens()).isPositive();
        assertThat(finish(turn2).usage().cachedTokens()).isPositive();
    }

    @Test
    void chainedTurnsSendOnlyTheNewItemsAfterTheUpstreamsResponse() {
        RoutedModel model = responses(true);
        ModelRequest first = request("{\"input\":\"chain me\"}");
        List<ModelEvent> turn1 = events(model.stream(first));
        assertThat(lastBody().path("store").asBoolean()).isTrue();

        List<ModelEvent> turn2 = events(model.stream(followUp(first, """
                [{"type":"message","role":"assistant","content":[{"type":"output_text","text":"%s"}]},
                 {"role":"user","content":"and now?"}]""".formatted(text(turn1)))));

        assertThat(lastBody().path("previous_response_id").asString()).startsWith("resp_");
        assertThat(lastBody().path("input")).hasSize(1);
        assertThat(text(turn2)).isEqualTo("You said: and now?");
        assertThat(finish(turn2).reason()).isEqualTo(FinishReason.STOP);
    }

    @Test
    void aChangedHistoryIsSentInFull() {
        RoutedModel model = responses(true);
        ModelRequest first = request("{\"input\":\"original question\"}");
        events(model.stream(first));

        events(model.stream(followUp(first, """
                [{"type":"message","role":"assistant","content":[{"type":"output_text","text":"an edited answer"}]},
                 {"role":"user","content":"next"}]""")));

        assertThat(lastBody().has("previous_response_id")).isFalse();
        assertThat(lastBody().path("input")).hasSize(3);
    }
}
