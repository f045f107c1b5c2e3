package dev.hotloop.protocol.tool;

import com.fasterxml.jackson.annotation.JsonValue;
import tools.jackson.databind.node.ObjectNode;

/** A tool the request offers the model, kept as sent so that it echoes back and reaches upstreams unchanged. */
public sealed interface Tool permits FunctionTool, HostedTool {

    @JsonValue
    ObjectNode json();

    /** The tool as a response echoes and stores it: without credentials (an {@code mcp} tool's headers). */
    default Tool echoed() {
        return this;
    }

    default String type() {
        return json().path("type").asString("");
    }
}
