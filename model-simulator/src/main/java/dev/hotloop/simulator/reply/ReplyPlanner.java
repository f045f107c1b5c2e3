package dev.hotloop.simulator.reply;

import dev.hotloop.protocol.id.ResponseIds;
import dev.hotloop.protocol.model.Compaction;
import dev.hotloop.protocol.model.ModelRequest;
import dev.hotloop.protocol.tool.FunctionTool;
import dev.hotloop.protocol.tool.Tool;
import dev.hotloop.protocol.tool.ToolChoice;
import dev.hotloop.simulator.scenario.ContextFacts;
import dev.hotloop.simulator.scenario.Scenario;
import dev.hotloop.simulator.scenario.ScenarioStep;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.MissingNode;

/**
 * Decides what the simulated model answers in one step, deterministically except for the random call ids.
 *
 * <p>The first scenario step matching the conversation is used as written, unnamed calls going to the default
 * function and missing arguments generated from the called tool's schema. Without a match, the default agent loop:
 * a call of the default function (the one {@code tool_choice} names, else the first function tool) when the
 * request offers function tools, {@code tool_choice} is not {@code none} and the context does not end with tool
 * outputs, or whenever {@code tool_choice} is {@code required} or names a function; otherwise one message quoting
 * the trailing tool outputs, or echoing the last user message.
 *
 * <p>Either way, calls the request does not allow are dropped: all of them under {@code tool_choice} {@code none},
 * unnamed ones when there is no default function, all but the first when {@code parallel_tool_calls} is false.
 * Empty messages are dropped too, and a reply left empty becomes the default message.
 */
public final class ReplyPlanner {

    static final int QUOTE_LIMIT = 200;

    private final Scenario scenario;

    public ReplyPlanner(Scenario scenario) {
        this.scenario = scenario;
    }

    /** The replies of one step, never empty. */
    public List<Reply> plan(ModelRequest request) {
        if (Compaction.INSTRUCTIONS.equals(request.instructions())) {
            return List.of(new Reply.Message(Summarizer.summarize(request.context())));
        }
        ContextFacts facts = ContextFacts.of(request.context());
        List<Reply> replies = scenario.firstMatch(facts)
                .map(step -> scripted(step, facts, request))
                .orElseGet(() -> byDefault(facts, request));
        return constrained(replies, facts, request);
    }

    private List<Reply> scripted(ScenarioStep step, ContextFacts facts, ModelRequest request) {
        boolean callsAllowed = modeOf(request) != ToolChoice.Mode.NONE;
        List<Reply> replies = new ArrayList<>();
        for (ScenarioStep.Emit emit : step.emit()) {
            switch (emit) {
                case ScenarioStep.Message message -> replies.add(new Reply.Message(message.render(facts)));
                case ScenarioStep.FunctionCall call
                when callsAllowed ->
                    Optional.ofNullable(call.name())
                            .or(() -> defaultFunction(request))
                            .ifPresent(name -> replies.add(callOf(name, call.arguments(), request)));
                case ScenarioStep.FunctionCall _ -> {
                    // tool_choice none: the model may not call anything
                }
            }
        }
        return replies;
    }

    private List<Reply> byDefault(ContextFacts facts, ModelRequest request) {
        ToolChoice.Mode mode = modeOf(request);
        boolean forced = mode == ToolChoice.Mode.REQUIRED || mode == ToolChoice.Mode.FUNCTION;
        Optional<String> function = defaultFunction(request);
        if (function.isPresent() && (forced || !facts.afterToolOutput())) {
            return List.of(callOf(function.get(), null, request));
        }
        return List.of(defaultMessage(facts));
    }

    private static List<Reply> constrained(List<Reply> replies, ContextFacts facts, ModelRequest request) {
        List<Reply> kept = new ArrayList<>();
        boolean called = false;
        for (Reply reply : replies) {
            boolean dropped = switch (reply) {
                case Reply.Message message -> message.text().isEmpty();
                case Reply.FunctionCall _ -> called && !request.parallelToolCalls();
            };
            called |= reply instanceof Reply.FunctionCall;
            if (!dropped) {
                kept.add(reply);
            }
        }
        return kept.isEmpty() ? List.of(defaultMessage(facts)) : kept;
    }

    private static Reply.Message defaultMessage(ContextFacts facts) {
        if (facts.afterToolOutput()) {
            return new Reply.Message(facts.trailingToolOutputs().stream()
                    .map(output -> (output.toolName().isEmpty() ? "The tool" : "The tool " + output.toolName())
                            + " returned: " + quoted(output.text()))
                    .collect(Collectors.joining(" ")));
        }
        if (facts.lastUserMessage().isEmpty()) {
            return new Reply.Message("Hello from the hotloop simulated model.");
        }
        return new Reply.Message("You said: " + quoted(facts.lastUserMessage()));
    }

    /** The function {@code tool_choice} names, else the first function tool; none when the model may not call one. */
    private static Optional<String> defaultFunction(ModelRequest request) {
        return switch (modeOf(request)) {
            case NONE -> Optional.empty();
            case FUNCTION -> Optional.ofNullable(request.toolChoice().functionName());
            case AUTO, REQUIRED ->
                functionTools(request).stream().map(FunctionTool::name).findFirst();
        };
    }

    /** A call with the given arguments, or with arguments generated from the named tool's schema when null. */
    private static Reply.FunctionCall callOf(String name, @Nullable String arguments, ModelRequest request) {
        if (arguments == null) {
            JsonNode parameters = functionTools(request).stream()
                    .filter(tool -> tool.name().equals(name))
                    .map(FunctionTool::parameters)
                    .findFirst()
                    .orElse(MissingNode.getInstance());
            arguments = ArgumentsGenerator.argumentsFor(parameters);
        }
        return new Reply.FunctionCall(ResponseIds.item("call"), name, arguments);
    }

    private static List<FunctionTool> functionTools(ModelRequest request) {
        return Objects.requireNonNullElse(request.tools(), List.<Tool>of()).stream()
                .filter(FunctionTool.class::isInstance)
                .map(FunctionTool.class::cast)
                .toList();
    }

    private static ToolChoice.Mode modeOf(ModelRequest request) {
        return request.toolChoice() == null
                ? ToolChoice.Mode.AUTO
                : request.toolChoice().mode();
    }

    // long inputs would otherwise make every echo as slow to stream as the input itself
    static String quoted(String text) {
        if (text.codePointCount(0, text.length()) <= QUOTE_LIMIT) {
            return text;
        }
        return text.substring(0, text.offsetByCodePoints(0, QUOTE_LIMIT)) + "…";
    }
}
