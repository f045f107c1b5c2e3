package dev.hotloop.session.web;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonRawValue;
import dev.hotloop.session.store.ConversationRepository.ConversationContext;
import dev.hotloop.session.store.ConversationRepository.StoredConversation;
import dev.hotloop.session.store.RecordCodec;
import java.util.List;

/** The bodies session-service answers about conversations. Stored JSON is written as it is, never parsed. */
final class ConversationBodies {

    private ConversationBodies() {}

    /**
     * A conversation's own fields.
     *
     * @param metadata its metadata object
     * @param version how many times its items changed; an append may require it
     */
    record Conversation(
            String id,
            @JsonProperty("created_at") long createdAt,
            @JsonRawValue String metadata,
            long version) {

        static Conversation of(String id, StoredConversation stored) {
            return new Conversation(id, stored.createdAt(), stored.metadata(), stored.version());
        }
    }

    /**
     * A conversation with all its items.
     *
     * @param items a JSON array of {@code {"tokens":n,"item":{…}}}, in order
     */
    record Context(
            String id,
            @JsonProperty("created_at") long createdAt,
            @JsonRawValue String metadata,
            long version,
            @JsonRawValue String items) {

        static Context of(String id, ConversationContext context) {
            StoredConversation stored = context.conversation();
            return new Context(
                    id,
                    stored.createdAt(),
                    stored.metadata(),
                    stored.version(),
                    "[" + String.join(",", context.items()) + "]");
        }
    }

    /**
     * A page of items.
     *
     * @param data a JSON array of the items themselves
     * @param hasMore whether items follow in the page's order
     */
    record Page(
            @JsonRawValue String data,
            @JsonProperty("has_more") boolean hasMore) {

        static Page of(List<String> elements, boolean hasMore, RecordCodec codec) {
            StringBuilder data = new StringBuilder("[");
            for (String element : elements) {
                if (data.length() > 1) {
                    data.append(',');
                }
                data.append(codec.itemJson(element));
            }
            return new Page(data.append(']').toString(), hasMore);
        }
    }

    /** @param version the conversation's version after the change */
    record Changed(long version) {}
}
