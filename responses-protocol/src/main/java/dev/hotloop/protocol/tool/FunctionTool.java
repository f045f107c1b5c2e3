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

    /** As OpenAI echoes a function: {@code strict} true when left out, {@code description} and {@code parameters} null. */
    @Override
    public FunctionTool echoed() {
        if (json.has("strict") && json.has("description") && json.has("parameters")) {
            return this;
        }
        ObjectNode echoed = json.deepCopy();
        if (!echoed.has("description")) {
            echoed.putNull("description");
        }
        if (!echoed.has("parameters")) {
            echoed.putNull("parameters");
        }
        if (!echoed.has("strict")) {
            echoed.put("strict", true);
        }
        return new FunctionTool(echoed);
    }

    /** The JSON Schema of the arguments; a missing node when the tool takes none. */
    public JsonNode parameters() {
        return json.path("parameters");
    }
}
