package dev.hotloop.api.tools;

import dev.hotloop.protocol.item.Item;
import tools.jackson.databind.JsonNode;

/**
 * A call of a tool the platform runs itself: the item the model's call became ({@code shell_call}, a configured
 * tool's {@code function_call}, an {@code mcp_call}), with what runs it ({@code action}: the shell's action, a
 * function's arguments string, the MCP call item).
 */
public record HostedCall(String tool, String callId, JsonNode action, Item item) {}
