package dev.hotloop.api.model.upstream;

import dev.hotloop.protocol.item.Item;
import dev.hotloop.protocol.json.ProtocolJson;
import dev.hotloop.protocol.model.ModelRequest;
import dev.hotloop.protocol.request.InputReader;
import dev.hotloop.protocol.tool.FunctionTool;
import dev.hotloop.protocol.tool.ToolChoice;
import java.util.List;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.node.ObjectNode;

/** Requests the providers' rendering tests render: one function tool, a conversation given as JSON items. */
public final class RenderingFixtures {

    private RenderingFixtures() {}

    /** The items of a JSON array, read as a create request's input. */
    public static List<Item> items(String json) {
        return InputReader.read(ProtocolJson.mapper().readTree(json));
    }

    /** A model request over {@code context} with one function tool. */
    public static ModelRequest request(@Nullable String instructions, List<Item> context) {
        ObjectNode tool = ProtocolJson.nodes()
                .objectNode()
                .put("type", "function")
                .put("name", "get_weather")
                .set("parameters", ProtocolJson.nodes().objectNode().put("type", "object"));
        return new ModelRequest(
                "m",
                instructions,
                List.copyOf(context),
                List.of(new FunctionTool(tool)),
                ToolChoice.AUTO,
                false,
                100,
                0.5,
                null,
                null);
    }
}
