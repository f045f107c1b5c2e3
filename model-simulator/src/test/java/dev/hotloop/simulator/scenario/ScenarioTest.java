package dev.hotloop.simulator.scenario;

import static dev.hotloop.simulator.ModelRequests.assistant;
import static dev.hotloop.simulator.ModelRequests.call;
import static dev.hotloop.simulator.ModelRequests.output;
import static dev.hotloop.simulator.ModelRequests.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hotloop.protocol.item.Item;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ScenarioTest {

    private static final Path EXAMPLE = Path.of("scenarios/weather-agent.yaml");
    private static final String EXAMPLE_AS_JSON = """
            {"steps": [
              {"when": {"input_contains": "hello", "after_tool_output": false},
               "emit": [{"message": "Hi there! Ask me about the weather."}]},
              {"when": {"turn": 1},
               "emit": [{"message": "Let me look that up."},
                        {"function_call": {"name": "get_weather", "arguments": {"city": "Paris", "unit": "celsius"}}}]},
              {"when": {"after_tool_output": true}, "emit": [{"message": "It is {{last_tool_output}} in Paris."}]},
              {"emit": [{"message": "Turn {{turn}}: you said {{last_user_message}}"}]}
            ]}""";

    @Test
    void theDocumentedExampleReadsTheSameFromYamlAndJson(@TempDir Path dir) throws Exception {
        Path json = Files.writeString(dir.resolve("weather-agent.json"), EXAMPLE_AS_JSON);

        Scenario scenario = Scenario.load(EXAMPLE);

        assertThat(Scenario.load(json)).isEqualTo(scenario);
        assertThat(scenario.steps()).hasSize(4);
        assertThat(scenario.steps().get(1))
                .isEqualTo(new ScenarioStep(
                        new ScenarioStep.When(1, null, null),
                        List.of(
                                new ScenarioStep.Message("Let me look that up."),
                                new ScenarioStep.FunctionCall(
                                        "get_weather", "{\"city\":\"Paris\",\"unit\":\"celsius\"}"))));
        assertThat(scenario.steps().get(3).when()).isEqualTo(new ScenarioStep.When(null, null, null));
    }

    @Test
    void theFirstMatchingStepWins() {
        Scenario scenario = Scenario.load(EXAMPLE);

        assertThat(render(scenario, List.of(user("Hello!")))).contains("Hi there! Ask me about the weather.");
        assertThat(render(scenario, List.of(user("Weather?")))).contains("Let me look that up.");
        assertThat(render(
                        scenario,
                        List.of(user("Weather?"), call("call_1", "get_weather", "{}"), output("call_1", "sunny"))))
                .contains("It is sunny in Paris.");
        assertThat(render(scenario, List.of(user("Weather?"), assistant("Sunny."), user("Thanks"))))
                .contains("Turn 2: you said Thanks");
    }

    @Test
    void noMatchingStepLeavesTheDefaultBehaviour() {
        Scenario scenario =
                Scenario.parse("steps: [ { when: { turn: 2 }, emit: [ message: second ] } ]", Scenario.Format.YAML);

        assertThat(scenario.firstMatch(ContextFacts.of(List.of(user("first"))))).isEmpty();
        assertThat(Scenario.empty().firstMatch(ContextFacts.of(List.of(user("first")))))
                .isEmpty();
    }

    @Test
    void turnCountsModelTurnsInTheContext() {
        ScenarioStep.When third = new ScenarioStep.When(3, null, null);

        assertThat(third.matches(ContextFacts.of(List.of(user("a"), assistant("b"), user("c")))))
                .isFalse();
        assertThat(third.matches(
                        ContextFacts.of(List.of(user("a"), assistant("b"), user("c"), assistant("d"), user("e")))))
                .isTrue();
    }

    @Test
    void afterToolOutputMatchesAContextEndingWithToolOutputs() {
        ScenarioStep.When afterOutput = new ScenarioStep.When(null, true, null);
        ScenarioStep.When freshTurn = new ScenarioStep.When(null, false, null);
        List<Item> answered = List.of(user("a"), call("call_1", "f", "{}"), output("call_1", "done"));

        assertThat(afterOutput.matches(ContextFacts.of(answered))).isTrue();
        assertThat(freshTurn.matches(ContextFacts.of(answered))).isFalse();
        assertThat(freshTurn.matches(ContextFacts.of(List.of(user("a"))))).isTrue();
    }

    @Test
    void inputContainsIsACaseInsensitiveSubstringOfTheLastUserMessage() {
        ScenarioStep.When hello = new ScenarioStep.When(null, null, "HeLLo");

        assertThat(hello.matches(ContextFacts.of(List.of(user("Say hello, world")))))
                .isTrue();
        assertThat(hello.matches(ContextFacts.of(List.of(user("hello"), assistant("hi"), user("bye")))))
                .isFalse();
    }

    @Test
    void everyGivenConditionMustHold() {
        ScenarioStep.When both = new ScenarioStep.When(1, null, "weather");

        assertThat(both.matches(ContextFacts.of(List.of(user("weather?"))))).isTrue();
        assertThat(both.matches(ContextFacts.of(List.of(user("time?"))))).isFalse();
        assertThat(both.matches(ContextFacts.of(List.of(user("x"), assistant("y"), user("weather?")))))
                .isFalse();
    }

    @Test
    void templatesQuoteTheConversationInOnePass() {
        ScenarioStep.Message message =
                new ScenarioStep.Message("[{{turn}}] {{last_user_message}} / {{last_tool_output}}");
        List<Item> context = List.of(user("{{turn}} $1 \\"), call("call_1", "f", "{}"), output("call_1", "42"));

        assertThat(message.render(ContextFacts.of(context))).isEqualTo("[2] {{turn}} $1 \\ / 42");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            `steps: [ {emit: [message: a]}, {when: {input_contain: x}, emit: [message: b]} ]` | : step 2: | unknown key 'input_contain' (known: [turn, after_tool_output, input_contains])
            `steps: [ {emit: [mesage: a]} ]`                                               | : step 1: | unknown output 'mesage'
            `steps: [ {when: {turn: 1}, emit: []} ]`                                       | : step 1: | 'emit' must list at least one
            `steps: [ {when: {turn: 1}} ]`                                                 | : step 1: | 'emit' must list at least one
            `steps: [ {emit: [message: '']} ]`                                             | : step 1: | a message needs text
            `steps: [ {emit: [message: 'hi {{user}}']} ]`                                  | : step 1: | unknown placeholder {{user}}
            `steps: [ {when: {turn: 0}, emit: [message: a]} ]`                             | : step 1: | 'turn' counts from 1
            `steps: [ {emit: [function_call: {arguments: [1]}]} ]`                         | : step 1: | an object or a JSON string
            `steps: [ {emit: [function_call: {name: ' '}]} ]`                              | : step 1: | name must not be blank
            `steps: [ {emit: [function_call: {arguments: ''}]} ]`                          | : step 1: | must not be empty
            `steps: [ oops ]`                                                              | : step 1: | ScenarioStep
            `[ {emit: [message: a]} ]`                                                     | : expected | an object with a 'steps' list
            `{steps: [], extra: 1}`                                                        | : expected | an object with a 'steps' list
            ``                                                                             | : expected | an object with a 'steps' list
            `steps: [ {emit: [message: a]`                                                 | : not valid YAML | line 1
            """)
    void invalidScenariosFailNamingTheStep(String yaml, String where, String reason) {
        assertThatThrownBy(() -> Scenario.parse(yaml, Scenario.Format.YAML))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Invalid scenario" + where)
                .hasMessageContaining(reason);
    }

    @Test
    void loadNamesTheFileAndNeedsAKnownExtension(@TempDir Path dir) throws Exception {
        Path broken = Files.writeString(dir.resolve("broken.yml"), "steps: [ {emit: []} ]");
        Path text = Files.writeString(dir.resolve("scenario.txt"), "steps: []");

        assertThatThrownBy(() -> Scenario.load(broken))
                .hasMessageStartingWith("Invalid scenario " + broken + ": step 1:");
        assertThatThrownBy(() -> Scenario.load(text)).hasMessageContaining("expected a .yaml, .yml or .json file");
        assertThatThrownBy(() -> Scenario.load(dir.resolve("missing.json"))).isInstanceOf(UncheckedIOException.class);
    }

    private static Optional<String> render(Scenario scenario, List<Item> context) {
        ContextFacts facts = ContextFacts.of(context);
        return scenario.firstMatch(facts)
                .map(step -> step.emit().getFirst())
                .map(emit -> ((ScenarioStep.Message) emit).render(facts));
    }
}
