package dev.hotloop.protocol.item;

import dev.hotloop.protocol.json.ProtocolJson;
import tools.jackson.databind.node.ObjectNode;

/** A model's call of a client-executed function tool; the turn ends with it and the client answers by call id. */
public record FunctionCallItem(ObjectNode json) implements Item {

    public static FunctionCallItem of(String id, String callId, String name, String arguments, String status) {
        ObjectNode json = ProtocolJson.nodes().objectNode();
        json.put("id", id);
        json.put("type", "function_call");
        json.put("status", status);
        json.put("arguments", arguments);
        json.put("call_id", callId);
        json.put("name", name);
        return new FunctionCallItem(json);
    }

    public String callId() {
        return json.path("call_id").asString("");
    }

    public String name() {
        return json.path("name").asString("");
    }

    public String arguments() {
        return json.path("arguments").asString("");
    }
}
