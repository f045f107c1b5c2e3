package dev.hotloop.protocol.chat;

import dev.hotloop.protocol.error.ApiException;
import dev.hotloop.protocol.error.ErrorCodes;
import dev.hotloop.protocol.json.ProtocolJson;
import dev.hotloop.protocol.tool.FunctionTool;
import dev.hotloop.protocol.tool.HostedTool;
import dev.hotloop.protocol.tool.Tool;
import dev.hotloop.protocol.tool.ToolChoice;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.StringNode;

/**
 * Converts Responses {@code tools} and {@code tool_choice} to chat-completions form and back.
 *
 * <p>A function tool becomes {@code {"type":"function","function":{name, description, parameters, strict}}}. The
 * hosted {@code shell} tool becomes a function named {@code shell} taking its action ({@code commands},
 * {@code timeout_ms}, {@code max_output_length}), unless the request has its own function of that name. Other
 * hosted tools (web search, custom grammars, MCP, namespaces, …) have no chat form and are dropped.
 */
public final class ChatTools {

    /** The function name a hosted shell tool takes upstream. */
    public static final String SHELL = "shell";

    private static final JsonNodeFactory NODES = ProtocolJson.nodes();
    private static final ObjectNode SHELL_PARAMETERS =
            (ObjectNode) ProtocolJson.mapper().readTree("""
            {"type":"object","properties":{\
            "commands":{"type":"array","items":{"type":"string"},"description":"Commands to run, in order"},\
            "timeout_ms":{"type":"integer","description":"Time limit in milliseconds"},\
            "max_output_length":{"type":"integer","description":"Longest output to return, in characters"}},\
            "required":["commands"]}""");

    private ChatTools() {}

    /** The chat tools for {@code tools}, in order; empty when none has a chat form. */
    public static ArrayNode toChat(List<Tool> tools) {
        ArrayNode chat = NODES.arrayNode();
        boolean shellTaken = tools.stream().anyMatch(tool -> tool instanceof FunctionTool f && SHELL.equals(f.name()));
        for (Tool tool : tools) {
            switch (tool) {
                case FunctionTool function -> {
                    ObjectNode definition = NODES.objectNode().put("name", function.name());
                    for (String field : List.of("description", "parameters", "strict")) {
                        JsonNode value = function.json().get(field);
                        if (value != null && !value.isNull()) {
                            definition.set(field, value);
                        }
                    }
                    chat.add(NODES.objectNode().put("type", "function").set("function", definition));
                }
                case HostedTool hosted -> {
                    if (!SHELL.equals(hosted.type()) || shellTaken) {
                        continue; // no chat form, or the request's own shell function wins
                    }
                    shellTaken = true;
                    ObjectNode definition = NODES.objectNode()
                            .put("name", SHELL)
                            .put("description", "Runs shell commands and returns their output.");
                    definition.set("parameters", SHELL_PARAMETERS.deepCopy());
                    chat.add(NODES.objectNode().put("type", "function").set("function", definition));
                }
            }
        }
        return chat;
    }

    /**
     * The chat {@code tool_choice} for a Responses one: {@code auto}, {@code none}, {@code required}, or a named
     * function (a forced hosted shell forces the {@code shell} function); other object forms are {@code auto}.
     */
    public static JsonNode toolChoice(ToolChoice choice) {
        if (choice == null) {
            return StringNode.valueOf("auto");
        }
        return switch (choice.mode()) {
            case NONE -> StringNode.valueOf("none");
            case REQUIRED -> StringNode.valueOf("required");
            case FUNCTION -> namedFunction(java.util.Objects.requireNonNull(choice.functionName()));
            case AUTO ->
                SHELL.equals(choice.json().path("type").asString(""))
                        ? namedFunction(SHELL)
                        : StringNode.valueOf("auto");
        };
    }

    /** Function tools from chat {@code tools} (null: none); a 400 {@link ApiException} for malformed ones. */
    public static List<Tool> fromChat(JsonNode tools) {
        List<Tool> read = new ArrayList<>();
        if (tools == null || tools.isNull()) {
            return read;
        }
        for (int i = 0; i < tools.size(); i++) {
            JsonNode function = tools.get(i).path("function");
            String name = function.path("name").stringValue(null);
            if (!"function".equals(tools.get(i).path("type").asString("function")) || name == null) {
                throw ApiException.invalidRequest(
                        "tools[" + i + "]",
                        ErrorCodes.INVALID_VALUE,
                        "'tools[" + i + "]' must be a function tool with a name.");
            }
            ObjectNode tool = NODES.objectNode().put("type", "function");
            function.forEachEntry(tool::set);
            read.add(new FunctionTool(tool));
        }
        return read;
    }

    /** The Responses tool choice for a chat one (null: {@code auto}). */
    public static ToolChoice toolChoiceFromChat(@Nullable JsonNode choice) {
        if (choice == null || choice.isNull()) {
            return ToolChoice.AUTO;
        }
        if (choice.isString()) {
            String mode = choice.stringValue();
            return switch (mode) {
                case "auto", "none", "required" ->
                    new ToolChoice(ToolChoice.Mode.valueOf(mode.toUpperCase(Locale.ROOT)), null, choice);
                default -> throw ApiException.invalidValue("tool_choice", mode, List.of("auto", "none", "required"));
            };
        }
        String name = choice.path("function").path("name").stringValue(null);
        if (name == null) {
            throw ApiException.invalidRequest(
                    "tool_choice",
                    ErrorCodes.INVALID_VALUE,
                    "'tool_choice' must be 'auto', 'none', 'required' or {\"type\":\"function\",\"function\":{\"name\":…}}.");
        }
        return new ToolChoice(
                ToolChoice.Mode.FUNCTION,
                name,
                NODES.objectNode().put("type", "function").put("name", name));
    }

    private static ObjectNode namedFunction(String name) {
        return NODES.objectNode()
                .put("type", "function")
                .set("function", NODES.objectNode().put("name", name));
    }
}
