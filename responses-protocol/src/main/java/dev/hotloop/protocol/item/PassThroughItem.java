package dev.hotloop.protocol.item;

import tools.jackson.databind.node.ObjectNode;

/** An item of a type hotloop stores and forwards but does not act on (reasoning, custom tool calls, hosted tool calls, …). */
public record PassThroughItem(ObjectNode json) implements Item {}
