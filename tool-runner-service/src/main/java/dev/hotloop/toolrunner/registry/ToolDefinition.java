package dev.hotloop.toolrunner.registry;

import dev.hotloop.protocol.error.ApiException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** A hosted tool: what the model is offered, and how a call's arguments become commands. */
public sealed interface ToolDefinition permits ShellTool, ArgvTool {

    /** The name a call names: {@code shell}, or the configured function's name. */
    String name();

    /** The Responses API {@code tools} entry offered to the model. */
    ObjectNode definition();

    /**
     * Validates a call's arguments and turns them into commands.
     *
     * @param arguments the call's arguments: the shell's {@code action}, or a function's arguments object
     * @throws ApiException 400 naming the offending argument
     */
    PreparedCall prepare(JsonNode arguments);
}
