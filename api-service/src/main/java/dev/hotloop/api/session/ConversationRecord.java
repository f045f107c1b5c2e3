package dev.hotloop.api.session;

import java.util.Map;

/**
 * A stored conversation's own fields, as session-service answers them.
 *
 * @param createdAt when it was created, in Unix seconds
 * @param version how many times its items changed: a response appends only at the version it read
 */
public record ConversationRecord(String id, long createdAt, Map<String, String> metadata, long version) {}
