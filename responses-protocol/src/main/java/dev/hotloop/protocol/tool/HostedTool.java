package dev.hotloop.protocol.tool;

import tools.jackson.databind.node.ObjectNode;

/** A tool of any other schema type (shell, web_search, custom, namespace, mcp, …): accepted, echoed, left to whoever runs it. */
public record HostedTool(ObjectNode json) implements Tool {}
