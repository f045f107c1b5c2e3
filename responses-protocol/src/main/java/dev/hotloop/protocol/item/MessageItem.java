package dev.hotloop.protocol.item;

import dev.hotloop.protocol.json.ProtocolJson;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** A message with a role and content parts; its text is the concatenation of its text parts. */
public record MessageItem(ObjectNode json) implements Item {

    /** A finished or cut-off assistant message with one {@code output_text} part. */
    public static MessageItem assistant(String id, String text, String status) {
        ObjectNode json = ProtocolJson.nodes().objectNode();
        json.put("id", id);
        json.put("type", "message");
        json.put("status", status);
        json.set("content", ProtocolJson.nodes().arrayNode().add(outputText(text)));
        json.put("role", "assistant");
        return new MessageItem(json);
    }

    /** An {@code output_text} content part, with the empty {@code annotations} and {@code logprobs} SDKs expect. */
    public static ObjectNode outputText(String text) {
        ObjectNode part = ProtocolJson.nodes().objectNode();
        part.put("type", "output_text");
        part.set("annotations", ProtocolJson.nodes().arrayNode());
        part.set("logprobs", ProtocolJson.nodes().arrayNode());
        part.put("text", text);
        return part;
    }

    public String role() {
        return json.path("role").asString("");
    }

    public String text() {
        StringBuilder text = new StringBuilder();
        for (JsonNode part : json.path("content")) {
            String partText = part.path("text").stringValue(null);
            if (partText != null) {
                text.append(partText);
            }
        }
        return text.toString();
    }
}
