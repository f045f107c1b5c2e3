package dev.hotloop.simulator.scenario;

import dev.hotloop.protocol.item.FunctionCallItem;
import dev.hotloop.protocol.item.FunctionCallOutputItem;
import dev.hotloop.protocol.item.Item;
import dev.hotloop.protocol.item.MessageItem;
import dev.hotloop.protocol.item.PassThroughItem;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * What the simulator reads from a context: the facts scenario conditions test and templates quote.
 *
 * @param turn                1 + the number of model turns in the context, a model turn being a maximal run of
 *                            consecutive items the model produced
 * @param lastUserMessage     text of the last user message, or "" when there is none
 * @param lastToolOutput      text of the last tool output anywhere in the context, or ""
 * @param trailingToolOutputs the tool outputs that end the context, in order: the results the model now answers
 * @param toolOutputsSinceUser texts of every tool output after the last user message, in order (the results of a
 *                            response that ran hosted tools several times)
 */
public record ContextFacts(
        int turn,
        String lastUserMessage,
        String lastToolOutput,
        List<ToolOutput> trailingToolOutputs,
        List<String> toolOutputsSinceUser) {

    private static final String OUTPUT_SUFFIX = "_call_output";
    private static final String CALL_SUFFIX = "_call";

    public ContextFacts {
        trailingToolOutputs = List.copyOf(trailingToolOutputs);
        toolOutputsSinceUser = List.copyOf(toolOutputsSinceUser);
    }

    /**
     * A tool's result.
     *
     * @param toolName the called tool's name, found through the call id; "" when the call is not in the context
     */
    public record ToolOutput(String toolName, String text) {}

    public static ContextFacts of(List<Item> context) {
        int turn = 1;
        boolean inModelTurn = false;
        String lastUserMessage = "";
        String lastToolOutput = "";
        Map<String, String> toolNamesByCallId = new HashMap<>();
        List<ToolOutput> trailing = new ArrayList<>();
        List<String> sinceUser = new ArrayList<>();
        for (Item item : context) {
            if (item.producedByModel() && !inModelTurn) {
                turn++;
            }
            inModelTurn = item.producedByModel();
            String type = item.type();
            String callId = item.json().path("call_id").asString("");
            if (type.endsWith(OUTPUT_SUFFIX)) {
                lastToolOutput = textOf(item);
                trailing.add(new ToolOutput(toolNamesByCallId.getOrDefault(callId, ""), lastToolOutput));
                sinceUser.add(lastToolOutput);
                continue;
            }
            trailing.clear();
            if (type.endsWith(CALL_SUFFIX) && !callId.isEmpty()) {
                // calls without a name field (shell_call, computer_call, …) are named by their type
                String typeName = type.substring(0, type.length() - CALL_SUFFIX.length());
                toolNamesByCallId.put(callId, item.json().path("name").asString(typeName));
            }
            if (item instanceof MessageItem message && "user".equals(message.role())) {
                lastUserMessage = message.text();
                sinceUser.clear();
            }
        }
        return new ContextFacts(turn, lastUserMessage, lastToolOutput, trailing, sinceUser);
    }

    /** True when the context ends with tool outputs, i.e. the model is answering tool results. */
    public boolean afterToolOutput() {
        return !trailingToolOutputs.isEmpty();
    }

    /**
     * The text an item carries for the model: a message's text, a call's arguments or input, a tool output's
     * result (a string, or the text, stdout and stderr of its parts); "" for items that carry none.
     */
    public static String textOf(Item item) {
        return switch (item) {
            case MessageItem message -> message.text();
            case FunctionCallItem call -> call.arguments();
            case FunctionCallOutputItem output -> output.outputText();
            case PassThroughItem other ->
                other.json().path("input").asString("")
                        + outputText(other.json().path("output"));
        };
    }

    private static String outputText(JsonNode output) {
        if (output.isString()) {
            return output.stringValue();
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode part : output) {
            text.append(part.path("text").asString(""))
                    .append(part.path("stdout").asString(""))
                    .append(part.path("stderr").asString(""));
        }
        return text.toString();
    }
}
