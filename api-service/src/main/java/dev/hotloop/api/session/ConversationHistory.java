package dev.hotloop.api.session;

import dev.hotloop.api.context.ContextItem;
import java.util.List;

/**
 * A stored conversation with all its items, read in one round trip.
 *
 * @param items every item with its token count, in order
 */
public record ConversationHistory(ConversationRecord conversation, List<ContextItem> items) {}
