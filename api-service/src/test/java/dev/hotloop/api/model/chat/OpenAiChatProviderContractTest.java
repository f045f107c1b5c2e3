package dev.hotloop.api.model.chat;

import static dev.hotloop.api.model.ModelRequests.calls;
import static dev.hotloop.api.model.ModelRequests.events;
import static dev.hotloop.api.model.ModelRequests.finish;
import static dev.hotloop.api.model.ModelRequests.followUp;
import static dev.hotloop.api.model.ModelRequests.request;
import static dev.hotloop.api.model.ModelRequests.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hotloop.api.model.ModelRequests;
import dev.hotloop.api.model.TestRoutes;
import dev.hotloop.api.model.routing.RoutedModel;
import dev.hotloop.protocol.model.FinishReason;
import dev.hotloop.protocol.model.ModelEvent;
import dev.hotloop.protocol.model.ModelRequest;
import dev.hotloop.simulator.SimulatorSettings;
import dev.hotloop.simulator.scenario.Scenario;
import dev.hotloop.simulator.server.SimulatorServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/** The openai-chat provider against the standalone simulator over real loopback sockets. */
class OpenAiChatProviderContractTest {

    private static SimulatorServer simulator;
    private static SimulatorServer scripted;
    private static SimulatorServer slow;

    @BeforeAll
    static void start() {
        simulator = SimulatorServer.start(SimulatorSettings.unthrottled());
        scripted = SimulatorServer.start(
                new SimulatorSettings(Duration.ZERO, 0, Scenario.parse("""
                steps:
                  - emit:
                      - message: "Checking both."
                      - function_call: { name: get_weather, arguments: { city: Paris } }
                      - function_call: { name: get_weather, arguments: { city: Oslo } }
                """, Scenario.Format.YAML)));
        slow = SimulatorServer.start(new SimulatorSettings(Duration.ZERO, 20, Scenario.empty()));
    }

    @AfterAll
    static void stop() {
        simulator.close();
        scripted.close();
        slow.close();
    }

    private static RoutedModel chat(SimulatorServer server) {
        return TestRoutes.route(
                "m",
                Map.of(
                        "routes.m[0].provider",
                        "openai-chat",
                        "routes.m[0].url",
                        server.baseUrl(),
                        "routes.m[0].upstream-model",
                        "hotloop-sim"));
    }

    @Test
    void answersWithTheUpstreamsTextAndUsage() {
        List<ModelEvent> events = events(chat(simulator).stream(request("{\"input\":\"hello over sockets\"}")));

        assertThat(text(events)).isEqualTo("You said: hello over sockets");
        assertThat(finish(events).reason()).isEqualTo(FinishReason.STOP);
        assertThat(finish(events).usage().inputTokens()).isPositive();
        assertThat(finish(events).usage().outputTokens()).isPositive();
    }

    @Test
    void callsAFunctionAndThenAnswersItsOutput() {
        RoutedModel model = chat(simulator);
        ModelRequest first = request("{\"input\":\"weather?\",\"tools\":[" + ModelRequests.WEATHER + "]}");

        ModelRequests.Call call = calls(events(model.stream(first))).getFirst();
        assertThat(call.name()).isEqualTo("get_weather");
        assertThat(call.arguments()).isEqualTo("{\"city\":\"example\"}");

        List<ModelEvent> answer = events(model.stream(followUp(first, """
                [{"type":"function_call","call_id":"%s","name":"get_weather","arguments":"{\\"city\\":\\"example\\"}"},
                 {"type":"function_call_output","call_id":"%s","output":"18C, clear"}]""".formatted(call.callId(), call.callId()))));
        assertThat(text(answer)).isEqualTo("The tool get_weather returned: 18C, clear");
    }

    @Test
    void textAndParallelCallsStreamInOrder() {
        List<ModelEvent> events = events(chat(scripted).stream(
                request("{\"input\":\"both cities\",\"tools\":[" + ModelRequests.WEATHER + "]}")));

        assertThat(text(events)).isEqualTo("Checking both.");
        assertThat(calls(events))
                .extracting(ModelRequests.Call::arguments)
                .containsExactly("{\"city\":\"Paris\"}", "{\"city\":\"Oslo\"}");
        assertThat(events.getFirst()).isInstanceOf(ModelEvent.TextDelta.class);
    }

    @Test
    void theNextTurnRendersThePreviousPromptAsACachedPrefix() {
        RoutedModel model = chat(simulator);
        ModelRequest first = request("{\"instructions\":\"Be brief.\",\"input\":\"a prefix worth caching\","
                + "\"tools\":[" + ModelRequests.WEATHER + "],\"tool_choice\":\"none\"}");
        ModelEvent.Finish turn1 = finish(events(model.stream(first)));

        ModelEvent.Finish turn2 = finish(events(model.stream(followUp(first, """
                [{"type":"message","role":"assistant","content":[{"type":"output_text","text":"ok"}]},
                 {"role":"user","content":"and again"}]"""))));

        assertThat(turn2.usage().cachedTokens()).isEqualTo(turn1.usage().inputTokens());
        assertThat(turn2.usage().inputTokens()).isGreaterThan(turn1.usage().inputTokens());
    }

    @Test
    void maxOutputTokensEndsWithLength() {
        List<ModelEvent> events = events(chat(simulator).stream(
                request("{\"input\":\"" + "many words ".repeat(20) + "\",\"max_output_tokens\":16}")));

        assertThat(finish(events).reason()).isEqualTo(FinishReason.LENGTH);
        assertThat(finish(events).usage().outputTokens()).isEqualTo(16);
    }

    @Test
    void cancellingTheStreamClosesTheUpstreamCall() {
        long before = slow.cancelledStreams();

        StepVerifier.create(chat(slow).stream(request("{\"input\":\"" + "slow words ".repeat(50) + "\"}")))
                .expectNextCount(2)
                .thenCancel()
                .verify(Duration.ofSeconds(10));

        await().atMost(Duration.ofSeconds(10)).until(() -> slow.cancelledStreams() == before + 1);
    }
}
