package dev.hotloop.simulator;

import static dev.hotloop.simulator.ModelRequests.NONE;
import static dev.hotloop.simulator.ModelRequests.REQUIRED;
import static dev.hotloop.simulator.ModelRequests.call;
import static dev.hotloop.simulator.ModelRequests.forced;
import static dev.hotloop.simulator.ModelRequests.function;
import static dev.hotloop.simulator.ModelRequests.hosted;
import static dev.hotloop.simulator.ModelRequests.output;
import static dev.hotloop.simulator.ModelRequests.request;
import static dev.hotloop.simulator.ModelRequests.user;
import static org.assertj.core.api.Assertions.assertThat;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import com.knuddels.jtokkit.api.IntArrayList;
import dev.hotloop.protocol.item.Item;
import dev.hotloop.protocol.model.FinishReason;
import dev.hotloop.protocol.model.ModelEvent;
import dev.hotloop.protocol.model.ModelRequest;
import dev.hotloop.protocol.tool.FunctionTool;
import dev.hotloop.protocol.tool.Tool;
import dev.hotloop.protocol.tool.ToolChoice;
import dev.hotloop.simulator.scenario.Scenario;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

class SimulatedModelTest {

    private static final Encoding O200K = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.O200K_BASE);
    private static final SimulatedModel MODEL = new SimulatedModel(SimulatorSettings.unthrottled(), O200K);
    private static final FunctionTool WEATHER = function("get_weather", """
            {"type":"object","properties":{"city":{"type":"string"},"unit":{"type":"string","enum":["celsius","fahrenheit"]}},
             "required":["city","unit"]}""");
    private static final FunctionTool TIME = function("get_time", "{\"type\":\"object\",\"properties\":{}}");
    private static final List<Tool> TOOLS = List.of(WEATHER, TIME);

    @Test
    void echoesTheLastUserMessageOneDeltaPerToken() {
        Streamed streamed = Streamed.of(MODEL.stream(request(List.of(user("Hello, simulated world")))));

        assertThat(streamed.text()).isEqualTo("You said: Hello, simulated world");
        assertThat(streamed.textDeltas()).hasSize(O200K.countTokensOrdinary("You said: Hello, simulated world"));
        assertThat(streamed.finish())
                .isEqualTo(new ModelEvent.Finish(
                        FinishReason.STOP,
                        new ModelEvent.ModelUsage(0, 0, streamed.textDeltas().size())));
    }

    @Test
    void multiByteTextIsNeverSplitInsideACharacter() {
        String text = "héllo 👋🏽 世界 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🇫🇷 Ωμέγα ﷽";

        Streamed streamed = Streamed.of(MODEL.stream(request(List.of(user(text)))));

        assertThat(streamed.text()).isEqualTo("You said: " + text);
        assertThat(streamed.textDeltas())
                .allSatisfy(
                        delta -> assertThat(new String(delta.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8))
                                .isEqualTo(delta));
        // some tokens end inside a character: they release no delta of their own
        assertThat(streamed.finish().usage().outputTokens())
                .isGreaterThan(streamed.textDeltas().size());
    }

    @Test
    void specialTokenTextIsStreamedAsOrdinaryText() {
        Streamed streamed = Streamed.of(MODEL.stream(request(List.of(user("<|endoftext|> and <|fim_prefix|>")))));

        assertThat(streamed.text()).isEqualTo("You said: <|endoftext|> and <|fim_prefix|>");
    }

    @Test
    void defaultLoopCallsTheFirstFunctionThenQuotesItsOutput() {
        Streamed first = Streamed.of(MODEL.stream(request(List.of(user("Weather in Paris?")), TOOLS)));

        assertThat(first.text()).isEmpty();
        assertThat(first.reason()).isEqualTo(FinishReason.STOP);
        assertThat(first.calls()).singleElement().satisfies(call -> {
            assertThat(call.callId()).matches("call_[0-9a-f]{32}");
            assertThat(call.name()).isEqualTo("get_weather");
            assertThat(call.arguments()).isEqualTo("{\"city\":\"example\",\"unit\":\"celsius\"}");
        });

        Streamed.Call made = first.calls().getFirst();
        Streamed second = Streamed.of(MODEL.stream(request(
                List.of(
                        user("Weather in Paris?"),
                        call(made.callId(), made.name(), made.arguments()),
                        output(made.callId(), "18°C and sunny")),
                TOOLS)));

        assertThat(second.calls()).isEmpty();
        assertThat(second.text()).isEqualTo("The tool get_weather returned: 18°C and sunny");
    }

    @Test
    void parallelOutputsAreAllQuoted() {
        List<Item> context = List.of(
                user("both"),
                call("call_1", "get_weather", "{}"),
                call("call_2", "get_time", "{}"),
                output("call_1", "sunny"),
                output("call_2", "noon"));

        Streamed streamed = Streamed.of(MODEL.stream(request(context, TOOLS)));

        assertThat(streamed.text()).isEqualTo("The tool get_weather returned: sunny The tool get_time returned: noon");
    }

    @Test
    void forcedFunctionIsCalledEvenAfterAToolOutput() {
        List<Item> afterOutput = List.of(user("time?"), call("call_1", "get_time", "{}"), output("call_1", "noon"));

        Streamed fresh =
                Streamed.of(MODEL.stream(request(List.of(user("time?")), TOOLS, forced("get_time"), true, null)));
        Streamed again = Streamed.of(MODEL.stream(request(afterOutput, TOOLS, forced("get_time"), true, null)));

        assertThat(fresh.calls()).singleElement().satisfies(call -> {
            assertThat(call.name()).isEqualTo("get_time");
            assertThat(call.arguments()).isEqualTo("{}");
        });
        assertThat(again.calls()).extracting(Streamed.Call::name).containsExactly("get_time");
    }

    @Test
    void requiredCallsAgainAfterAToolOutput() {
        List<Item> context = List.of(user("weather?"), call("call_1", "get_weather", "{}"), output("call_1", "rain"));

        Streamed streamed = Streamed.of(MODEL.stream(request(context, TOOLS, REQUIRED, true, null)));

        assertThat(streamed.calls()).extracting(Streamed.Call::name).containsExactly("get_weather");
    }

    @Test
    void toolChoiceNoneAnswersWithText() {
        Streamed streamed = Streamed.of(MODEL.stream(request(List.of(user("hi")), TOOLS, NONE, true, null)));

        assertThat(streamed.calls()).isEmpty();
        assertThat(streamed.text()).isEqualTo("You said: hi");
    }

    @Test
    void hostedToolsAloneAreNeverCalled() {
        Streamed streamed = Streamed.of(MODEL.stream(request(List.of(user("hi")), List.of(hosted("web_search")))));

        assertThat(streamed.calls()).isEmpty();
        assertThat(streamed.text()).isEqualTo("You said: hi");
    }

    @Test
    void parallelToolCallsFalseKeepsOnlyTheFirstCall() {
        SimulatedModel model = scripted("""
                steps:
                  - emit:
                      - message: "Checking both."
                      - function_call: { name: get_weather }
                      - function_call: { name: get_time }
                """);

        Streamed parallel =
                Streamed.of(model.stream(request(List.of(user("both")), TOOLS, ToolChoice.AUTO, true, null)));
        Streamed serial =
                Streamed.of(model.stream(request(List.of(user("both")), TOOLS, ToolChoice.AUTO, false, null)));

        assertThat(parallel.calls()).extracting(Streamed.Call::name).containsExactly("get_weather", "get_time");
        assertThat(parallel.calls()).extracting(Streamed.Call::callId).doesNotHaveDuplicates();
        assertThat(serial.text()).isEqualTo("Checking both.");
        assertThat(serial.calls()).extracting(Streamed.Call::name).containsExactly("get_weather");
    }

    @Test
    void maxOutputTokensCutsAtExactlyThatManyTokens() {
        ModelRequest request = request(
                List.of(user("a fairly long sentence that needs many tokens")), List.of(), ToolChoice.AUTO, true, 5);

        Streamed streamed = Streamed.of(MODEL.stream(request));

        IntArrayList tokens = O200K.encodeOrdinary("You said: a fairly long sentence that needs many tokens");
        IntArrayList firstFive = new IntArrayList();
        for (int i = 0; i < 5; i++) {
            firstFive.add(tokens.get(i));
        }
        assertThat(streamed.reason()).isEqualTo(FinishReason.LENGTH);
        assertThat(streamed.textDeltas()).hasSize(5);
        assertThat(streamed.text()).isEqualTo(O200K.decode(firstFive));
        assertThat(streamed.finish().usage().outputTokens()).isEqualTo(5);
    }

    @Test
    void maxOutputTokensCountsArgumentTokensToo() {
        SimulatedModel model = scripted("""
                steps:
                  - emit:
                      - message: "Let me check."
                      - function_call: { name: get_weather, arguments: { city: Paris, unit: celsius } }
                """);
        int budget = O200K.countTokensOrdinary("Let me check.") + 2;

        Streamed cut =
                Streamed.of(model.stream(request(List.of(user("weather")), TOOLS, ToolChoice.AUTO, true, budget)));
        Streamed exact = Streamed.of(model.stream(request(
                List.of(user("weather")),
                TOOLS,
                ToolChoice.AUTO,
                true,
                budget - 2 + O200K.countTokensOrdinary("{\"city\":\"Paris\",\"unit\":\"celsius\"}"))));

        assertThat(cut.reason()).isEqualTo(FinishReason.LENGTH);
        assertThat(cut.events())
                .filteredOn(ModelEvent.ArgumentsDelta.class::isInstance)
                .hasSize(2);
        assertThat(cut.finish().usage().outputTokens()).isEqualTo(budget);
        assertThat(exact.reason()).isEqualTo(FinishReason.STOP);
        assertThat(exact.calls())
                .extracting(Streamed.Call::arguments)
                .containsExactly("{\"city\":\"Paris\",\"unit\":\"celsius\"}");
    }

    @Test
    void theSameRequestYieldsTheSameEventsButCallIds() {
        ModelRequest answer = request(List.of(user("repeat me")));
        ModelRequest callTurn = request(List.of(user("repeat me")), TOOLS);

        assertThat(Streamed.of(MODEL.stream(answer))).isEqualTo(Streamed.of(MODEL.stream(answer)));
        assertThat(Streamed.of(MODEL.stream(callTurn)).calls())
                .usingRecursiveFieldByFieldElementComparatorIgnoringFields("callId")
                .isEqualTo(Streamed.of(MODEL.stream(callTurn)).calls());
    }

    @Test
    void usageReportsOutputTokensAndLeavesTheInputToTheEngine() {
        List<Item> context = List.of(
                user("weather?"), call("call_1", "get_weather", "{\"city\":\"Oslo\"}"), output("call_1", "snow"));
        ModelRequest request = new ModelRequest(
                "hotloop-sim", "Be brief.", context, TOOLS, ToolChoice.AUTO, true, null, null, null, null);

        ModelEvent.ModelUsage usage =
                Streamed.of(MODEL.stream(request)).finish().usage();

        assertThat(usage.inputTokens()).isZero();
        assertThat(usage.cachedTokens()).isZero();
        assertThat(usage.outputTokens()).isPositive();
    }

    @Test
    void unthrottledWithoutTtftEmitsSynchronously() {
        List<ModelEvent> events = new ArrayList<>();

        MODEL.stream(request(List.of(user("now")))).subscribe(events::add);

        assertThat(events).last().isInstanceOf(ModelEvent.Finish.class);
    }

    @Test
    void waitsTtftThenStreamsAtTheConfiguredRate() {
        SimulatedModel model =
                new SimulatedModel(new SimulatorSettings(Duration.ofMillis(50), 1000, scenarioOfTokens(100)), O200K);

        StepVerifier.withVirtualTime(() -> model.stream(request(List.of(user("go")))))
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(49))
                .thenAwait(Duration.ofMillis(1))
                .expectNextCount(1)
                .thenAwait(Duration.ofMillis(98))
                .expectNextCount(98)
                .expectNoEvent(Duration.ofNanos(999_999))
                .thenAwait(Duration.ofNanos(1))
                .expectNextCount(1)
                .expectNextMatches(ModelEvent.Finish.class::isInstance)
                .expectComplete()
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void cancellingStopsEmissionAtOnce() {
        SimulatedModel model =
                new SimulatedModel(new SimulatorSettings(Duration.ZERO, 1000, scenarioOfTokens(100)), O200K);
        AtomicInteger emitted = new AtomicInteger();
        VirtualTimeScheduler scheduler = VirtualTimeScheduler.getOrSet();
        try {
            StepVerifier.create(model.stream(request(List.of(user("go")))).doOnNext(event -> emitted.incrementAndGet()))
                    .then(() -> scheduler.advanceTimeBy(Duration.ofMillis(9)))
                    .expectNextCount(10)
                    .thenCancel()
                    .verify(Duration.ofSeconds(5));
            // the virtual scheduler counts every tick it schedules: a live timer would keep adding
            long ticksScheduled = scheduler.getScheduledTaskCount();

            scheduler.advanceTimeBy(Duration.ofSeconds(1));

            assertThat(emitted).hasValue(10);
            assertThat(scheduler.getScheduledTaskCount()).isEqualTo(ticksScheduled);
        } finally {
            VirtualTimeScheduler.reset();
        }
    }

    @Test
    void createLoadsTheProcessWideEncoding() {
        Streamed streamed = Streamed.of(
                SimulatedModel.create(SimulatorSettings.unthrottled()).stream(request(List.of(user("hi")))));

        assertThat(streamed.text()).isEqualTo("You said: hi");
    }

    private static SimulatedModel scripted(String yaml) {
        return new SimulatedModel(
                new SimulatorSettings(Duration.ZERO, 0, Scenario.parse(yaml, Scenario.Format.YAML)), O200K);
    }

    /** A scenario answering with a message of exactly {@code count} tokens. */
    private static Scenario scenarioOfTokens(int count) {
        String text = "word" + " word".repeat(count - 1);
        assertThat(O200K.countTokensOrdinary(text)).isEqualTo(count);
        return Scenario.parse("steps: [ { emit: [ { message: \"" + text + "\" } ] } ]", Scenario.Format.YAML);
    }
}
