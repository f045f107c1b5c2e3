package dev.hotloop.api.context;

import dev.hotloop.protocol.item.Item;

/** An item of a conversation with its token count, computed once when the item entered the conversation. */
public record ContextItem(Item item, int tokens) {}
