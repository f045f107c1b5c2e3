package dev.hotloop.api.session;

import dev.hotloop.protocol.item.Item;
import java.util.List;

/**
 * A page of a conversation's items.
 *
 * @param hasMore whether items follow in the page's order
 */
public record ConversationItemsPage(List<Item> items, boolean hasMore) {}
