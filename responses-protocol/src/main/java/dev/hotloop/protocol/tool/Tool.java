package dev.hotloop.protocol.tool;

import com.fasterxml.jackson.annotation.JsonValue;
import tools.jackson.databind.node.ObjectNode;

/** A tool the request offers the model, kept as sent so that it echoes back and reaches upstreams unchanged. */
public sealed interface Tool permits FunctionTool, HostedTool {

    @JsonValue
    ObjectNode json();

    /**
     * The tool as a response echoes and stores it: as sent, with what the specifications require and the client left
     * out, and without credentials (an {@code mcp} tool's headers).
     */
    Tool echoed();

    default String type() {
        return json().path("type").asString("");
    }
}
