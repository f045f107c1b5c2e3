package dev.hotloop.protocol.tool;

import java.util.List;
import tools.jackson.databind.node.ObjectNode;

/** A tool of any other schema type (shell, web_search, custom, namespace, mcp, …): accepted, echoed, left to whoever runs it. */
public record HostedTool(ObjectNode json) implements Tool {

    /** Fields of an {@code mcp} tool that carry credentials: never echoed, never stored. */
    private static final List<String> MCP_SECRETS = List.of("headers", "authorization");

    @Override
    public Tool echoed() {
        if (!"mcp".equals(type()) || MCP_SECRETS.stream().noneMatch(json::has)) {
            return this;
        }
        ObjectNode copy = json.deepCopy();
        copy.remove(MCP_SECRETS);
        return new HostedTool(copy);
    }
}
