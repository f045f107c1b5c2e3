package dev.hotloop.protocol.tool;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** A function the client executes: the model's call ends the turn and the client answers with its output. */
public record FunctionTool(ObjectNode json) implements Tool {

    public String name() {
        return json.path("name").asString("");
    }

    public String description() {
        return json.path("description").asString("");
    }

    /** The JSON Schema of the arguments; a missing node when the tool takes none. */
    public JsonNode parameters() {
        return json.path("parameters");
    }
}
