package dev.hotloop.protocol.item;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** The client's result for a function call, matched to it by {@code call_id}. */
public record FunctionCallOutputItem(ObjectNode json) implements Item {

    public String callId() {
        return json.path("call_id").asString("");
    }

    /** The output as text: the string itself, or the text parts of a content-part array joined. */
    public String outputText() {
        JsonNode output = json.path("output");
        if (output.isString()) {
            return output.stringValue();
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode part : output) {
            text.append(part.path("text").asString(""));
        }
        return text.toString();
    }
}
