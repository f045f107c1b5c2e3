package dev.hotloop.simulator.scenario;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.hotloop.protocol.json.ProtocolJson;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * One scripted step: when its condition matches the conversation, the model emits its outputs in order.
 *
 * @param when the condition; null matches every conversation
 * @param emit what the model emits, at least one output
 */
public record ScenarioStep(When when, List<Emit> emit) {

    public ScenarioStep {
        when = when == null ? When.ALWAYS : when;
        if (emit == null || emit.isEmpty()) {
            throw new IllegalArgumentException("'emit' must list at least one message or function_call");
        }
        emit = List.copyOf(emit);
    }

    public boolean matches(ContextFacts facts) {
        return when.matches(facts);
    }

    /**
     * Conditions on the conversation; every one given must hold, and none given always matches.
     *
     * @param turn            the conversation's turn number ({@link ContextFacts#turn()}), from 1
     * @param afterToolOutput whether the context ends with tool outputs
     * @param inputContains   a case-insensitive substring of the last user message
     */
    public record When(
            @Nullable Integer turn,
            @Nullable Boolean afterToolOutput,
            @Nullable String inputContains) {

        static final When ALWAYS = new When(null, null, null);

        public When {
            if (turn != null && turn < 1) {
                throw new IllegalArgumentException("'turn' counts from 1, got " + turn);
            }
        }

        public boolean matches(ContextFacts facts) {
            return (turn == null || turn == facts.turn())
                    && (afterToolOutput == null || afterToolOutput == facts.afterToolOutput())
                    && (inputContains == null
                            || lowerCase(facts.lastUserMessage()).contains(lowerCase(inputContains)));
        }

        private static String lowerCase(String text) {
            return text.toLowerCase(Locale.ROOT);
        }
    }

    /** One output of a step, written in a file as {@code message: …} or {@code function_call: {…}}. */
    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.WRAPPER_OBJECT)
    @JsonSubTypes({
        @JsonSubTypes.Type(value = Message.class, name = "message"),
        @JsonSubTypes.Type(value = FunctionCall.class, name = "function_call")
    })
    public sealed interface Emit {}

    /**
     * Assistant text; consecutive messages of a step stream as one message.
     *
     * @param template the text, with {@code {{last_user_message}}}, {@code {{last_tool_output}}},
     *                 {@code {{tool_outputs}}} (every tool output since the last user message, joined by " | ")
     *                 and {@code {{turn}}} placeholders
     */
    public record Message(String template) implements Emit {

        private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{(.*?)}}");
        private static final Map<String, Function<ContextFacts, String>> VALUES = Map.of(
                "last_user_message",
                ContextFacts::lastUserMessage,
                "last_tool_output",
                ContextFacts::lastToolOutput,
                "tool_outputs",
                facts -> String.join(" | ", facts.toolOutputsSinceUser()),
                "turn",
                facts -> Integer.toString(facts.turn()));

        @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
        public Message {
            if (template == null || template.isEmpty()) {
                throw new IllegalArgumentException("a message needs text");
            }
            Matcher placeholders = PLACEHOLDER.matcher(template);
            while (placeholders.find()) {
                if (!VALUES.containsKey(placeholders.group(1))) {
                    throw new IllegalArgumentException("unknown placeholder " + placeholders.group() + " (known: "
                            + new TreeSet<>(VALUES.keySet()) + ")");
                }
            }
        }

        /** The text with its placeholders replaced by the conversation's values, in one pass. */
        public String render(ContextFacts facts) {
            // the constructor admits only known placeholders
            return PLACEHOLDER
                    .matcher(template)
                    .replaceAll(placeholder ->
                            Matcher.quoteReplacement(Objects.requireNonNull(VALUES.get(placeholder.group(1)))
                                    .apply(facts)));
        }
    }

    /**
     * A function call.
     *
     * @param name      the function, or null for the request's forced or first function tool
     * @param arguments the arguments JSON, or null to generate them from the tool's parameter schema
     */
    public record FunctionCall(String name, @Nullable String arguments) implements Emit {

        public FunctionCall {
            if (name != null && name.isBlank()) {
                throw new IllegalArgumentException("a function_call name must not be blank");
            }
            if (arguments != null && arguments.isEmpty()) {
                throw new IllegalArgumentException("function_call arguments must not be empty");
            }
        }

        /** Reads arguments written as an object (sent as compact JSON) or as a string (sent verbatim, even if invalid). */
        @JsonCreator
        static FunctionCall read(String name, JsonNode arguments) {
            if (arguments == null || arguments.isNull() || arguments.isMissingNode()) {
                return new FunctionCall(name, null);
            }
            if (arguments.isString()) {
                return new FunctionCall(name, arguments.stringValue());
            }
            if (!arguments.isObject()) {
                throw new IllegalArgumentException("function_call arguments must be an object or a JSON string");
            }
            return new FunctionCall(name, ProtocolJson.mapper().writeValueAsString(arguments));
        }
    }
}
