package dev.hotloop.toolrunner.registry;

import dev.hotloop.protocol.error.ApiException;
import dev.hotloop.protocol.error.ErrorCodes;
import dev.hotloop.protocol.json.ProtocolJson;
import dev.hotloop.toolrunner.ToolsProperties;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * OpenAI's hosted {@code shell} tool. Its arguments are a {@code shell_call}'s {@code action}:
 * {@code {"commands": [...], "timeout_ms": n, "max_output_length": n}}. Each command is a shell script by design, run
 * as {@code /bin/bash -lc <command>} inside the sandbox (the sandbox, not the command text, is the boundary), each with
 * its own timeout and output cap; a command's failure does not stop the next. Timeouts and output lengths above the
 * configured maximum are lowered to it.
 */
public record ShellTool(ToolsProperties.Execution limits) implements ToolDefinition {

    public static final String NAME = "shell";
    /** Linux refuses a single argument longer than 128 KiB. */
    static final int MAX_COMMAND_LENGTH = 100_000;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public ObjectNode definition() {
        return ProtocolJson.nodes().objectNode().put("type", NAME);
    }

    @Override
    public PreparedCall prepare(JsonNode action) {
        if (action == null || action.isNull() || action.isMissingNode()) {
            throw ApiException.missingParameter("arguments");
        }
        if (!action.isObject()) {
            throw ApiException.invalidType("arguments", "an object", action.isArray() ? "an array" : "a scalar");
        }
        JsonNode commands = action.get("commands");
        if (commands == null || commands.isNull()) {
            throw ApiException.missingParameter("arguments.commands");
        }
        if (!commands.isArray()) {
            throw ApiException.invalidType("arguments.commands", "an array of strings", "something else");
        }
        if (commands.isEmpty() || commands.size() > limits.maxCommands()) {
            throw ApiException.invalidRequest(
                    "arguments.commands",
                    ErrorCodes.INVALID_VALUE,
                    "'arguments.commands' must hold 1 to " + limits.maxCommands() + " commands.");
        }
        List<List<String>> argvs = new ArrayList<>(commands.size());
        for (int i = 0; i < commands.size(); i++) {
            String param = "arguments.commands[" + i + "]";
            JsonNode command = commands.get(i);
            if (!command.isString()) {
                throw ApiException.invalidType(param, "a string", "something else");
            }
            String script = command.stringValue();
            if (script.length() > MAX_COMMAND_LENGTH || script.indexOf('\0') >= 0) {
                throw ApiException.invalidRequest(
                        param,
                        ErrorCodes.INVALID_VALUE,
                        "'" + param + "' must be at most " + MAX_COMMAND_LENGTH + " characters, without NUL.");
            }
            argvs.add(List.of("/bin/bash", "-lc", script));
        }
        long timeoutMs = positive(action, "timeout_ms", limits.defaultTimeout().toMillis());
        long maxOutput = positive(action, "max_output_length", limits.defaultOutputLength());
        return new PreparedCall(
                this,
                argvs,
                Duration.ofMillis(Math.min(timeoutMs, limits.maxTimeout().toMillis())),
                (int) Math.min(maxOutput, limits.maxOutputLength()));
    }

    private static long positive(JsonNode action, String field, long fallback) {
        JsonNode value = action.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        String param = "arguments." + field;
        if (!value.isNumber() || !value.canConvertToExactIntegral()) {
            throw ApiException.invalidType(
                    param, "an integer", value.isNumber() ? "a decimal number" : "something else");
        }
        if (!value.canConvertToLong() || value.longValue() < 1) {
            throw ApiException.invalidRequest(
                    param, ErrorCodes.INVALID_VALUE, "'" + param + "' must be a positive integer.");
        }
        return value.longValue();
    }
}
