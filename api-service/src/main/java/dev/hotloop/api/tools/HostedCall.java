package dev.hotloop.api.tools;

import dev.hotloop.protocol.item.PassThroughItem;
import tools.jackson.databind.JsonNode;

/**
 * A call of a tool the platform runs itself (the {@code shell} tool): the {@code shell_call} item the model's call
 * became, with what tool-runner needs to run it.
 */
public record HostedCall(String tool, String callId, JsonNode action, PassThroughItem item) {}
