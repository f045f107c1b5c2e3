package dev.hotloop.simulator;

import dev.hotloop.protocol.item.Item;
import dev.hotloop.protocol.json.ProtocolJson;
import dev.hotloop.protocol.model.ModelRequest;
import dev.hotloop.protocol.tool.FunctionTool;
import dev.hotloop.protocol.tool.HostedTool;
import dev.hotloop.protocol.tool.Tool;
import dev.hotloop.protocol.tool.ToolChoice;
import java.util.List;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.StringNode;

/** Items, tools and requests for tests, written as the JSON a client sends. */
public final class ModelRequests {

    public static final ToolChoice NONE = new ToolChoice(ToolChoice.Mode.NONE, null, StringNode.valueOf("none"));
    public static final ToolChoice REQUIRED =
            new ToolChoice(ToolChoice.Mode.REQUIRED, null, StringNode.valueOf("required"));

    private ModelRequests() {}

    public static ModelRequest request(List<Item> context) {
        return request(context, List.of(), ToolChoice.AUTO, true, null);
    }

    public static ModelRequest request(List<Item> context, List<Tool> tools) {
        return request(context, tools, ToolChoice.AUTO, true, null);
    }

    public static ModelRequest request(
            List<Item> context,
            List<Tool> tools,
            ToolChoice toolChoice,
            boolean parallelToolCalls,
            Integer maxOutputTokens) {
        return new ModelRequest(
                "hotloop-sim", null, context, tools, toolChoice, parallelToolCalls, maxOutputTokens, null, null, null);
    }

    public static ToolChoice forced(String function) {
        return new ToolChoice(
                ToolChoice.Mode.FUNCTION, function, json("{\"type\":\"function\",\"name\":\"" + function + "\"}"));
    }

    public static Item user(String text) {
        ObjectNode message = json("{\"type\":\"message\",\"role\":\"user\",\"content\":[{\"type\":\"input_text\"}]}");
        ((ObjectNode) message.path("content").get(0)).put("text", text);
        return Item.of(message);
    }

    public static Item assistant(String text) {
        ObjectNode message =
                json("{\"type\":\"message\",\"role\":\"assistant\",\"content\":[{\"type\":\"output_text\"}]}");
        ((ObjectNode) message.path("content").get(0)).put("text", text);
        return Item.of(message);
    }

    public static Item call(String callId, String name, String arguments) {
        ObjectNode call = json("{\"type\":\"function_call\",\"call_id\":\"" + callId + "\",\"name\":\"" + name + "\"}");
        call.put("arguments", arguments);
        return Item.of(call);
    }

    public static Item output(String callId, String output) {
        ObjectNode item = json("{\"type\":\"function_call_output\",\"call_id\":\"" + callId + "\"}");
        item.put("output", output);
        return Item.of(item);
    }

    public static Item item(String json) {
        return Item.of(json(json));
    }

    public static FunctionTool function(String name, String parametersJson) {
        ObjectNode tool = json("{\"type\":\"function\",\"name\":\"" + name + "\"}");
        tool.set("parameters", json(parametersJson));
        return new FunctionTool(tool);
    }

    public static HostedTool hosted(String type) {
        return new HostedTool(json("{\"type\":\"" + type + "\"}"));
    }

    public static ObjectNode json(String json) {
        return (ObjectNode) ProtocolJson.mapper().readTree(json);
    }
}
