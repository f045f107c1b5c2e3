package dev.hotloop.protocol.request;

import dev.hotloop.protocol.error.ApiException;
import dev.hotloop.protocol.error.ErrorCodes;
import dev.hotloop.protocol.item.ItemTypes;
import dev.hotloop.protocol.tool.FunctionTool;
import dev.hotloop.protocol.tool.HostedTool;
import dev.hotloop.protocol.tool.Tool;
import dev.hotloop.protocol.tool.ToolChoice;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Reads and validates {@code tools} and {@code tool_choice}. */
final class ToolReader {

    private static final Pattern FUNCTION_NAME = Pattern.compile("[a-zA-Z0-9_-]{1,64}");
    private static final List<String> CHOICE_MODES = List.of("auto", "none", "required");

    private ToolReader() {}

    static List<Tool> tools(@Nullable JsonNode tools) {
        if (tools == null) {
            return List.of();
        }
        List<Tool> read = new ArrayList<>(tools.size());
        Set<String> functionNames = new HashSet<>();
        for (int i = 0; i < tools.size(); i++) {
            JsonFields fields = JsonFields.of(tools.get(i), "tools[" + i + "]");
            String type = fields.requiredString("type");
            if (!ItemTypes.TOOLS.contains(type)) {
                throw ApiException.invalidValue(
                        fields.param("type"),
                        type,
                        ItemTypes.TOOLS.stream().sorted().toList());
            }
            if ("function".equals(type)) {
                String name = fields.requiredString("name");
                if (!FUNCTION_NAME.matcher(name).matches()) {
                    throw ApiException.invalidRequest(
                            fields.param("name"),
                            ErrorCodes.INVALID_FUNCTION_NAME,
                            "Invalid '" + fields.param("name")
                                    + "': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$' of at most 64 characters.");
                }
                if (!functionNames.add(name)) {
                    throw ApiException.invalidRequest(
                            fields.param("name"),
                            ErrorCodes.DUPLICATE_FUNCTION_NAME,
                            "Duplicate function name '" + name + "' in tools.");
                }
                fields.string("description");
                fields.objectNode("parameters");
                fields.bool("strict");
                read.add(new FunctionTool((ObjectNode) fields.object()));
            } else {
                if ("hotloop_tool".equals(type)) {
                    fields.requiredString("name");
                }
                read.add(new HostedTool((ObjectNode) fields.object()));
            }
        }
        return read;
    }

    static ToolChoice choice(@Nullable JsonNode choice, List<Tool> tools) {
        if (choice == null) {
            return ToolChoice.AUTO;
        }
        if (choice.isString()) {
            String mode = choice.stringValue();
            if (!CHOICE_MODES.contains(mode)) {
                throw ApiException.invalidValue("tool_choice", mode, CHOICE_MODES);
            }
            return new ToolChoice(ToolChoice.Mode.valueOf(mode.toUpperCase(java.util.Locale.ROOT)), null, choice);
        }
        JsonFields fields = JsonFields.of(choice, "tool_choice");
        String type = fields.requiredString("type");
        if (!"function".equals(type)) {
            return new ToolChoice(ToolChoice.Mode.AUTO, null, choice);
        }
        String name = fields.requiredString("name");
        boolean declared = tools.stream()
                .anyMatch(t -> t instanceof FunctionTool f && f.name().equals(name));
        if (!declared) {
            throw ApiException.invalidRequest(
                    "tool_choice", "Tool choice '" + name + "' not found in 'tools' parameter.");
        }
        return new ToolChoice(ToolChoice.Mode.FUNCTION, name, choice);
    }
}
