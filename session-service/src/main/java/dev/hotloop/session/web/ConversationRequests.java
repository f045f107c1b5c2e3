package dev.hotloop.session.web;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.hotloop.protocol.error.ApiException;
import dev.hotloop.protocol.error.ErrorCodes;
import dev.hotloop.session.store.ConversationRepository.IdentifiedItem;
import dev.hotloop.session.store.RecordCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/** The bodies api-service posts about conversations. Items are opaque JSON objects, each with a string id. */
final class ConversationRequests {

    private ConversationRequests() {}

    /**
     * {@code POST …/conversations}.
     *
     * @param id the new conversation's id
     * @param createdAt its creation time in Unix seconds
     * @param metadata its metadata object
     * @param items its initial items
     */
    record Create(
            @Nullable String id,
            @JsonProperty("created_at") long createdAt,
            @Nullable JsonNode metadata,
            @Nullable List<TurnItem> items) {}

    /**
     * {@code POST …/conversations/{id}/items}.
     *
     * @param version the version the items must find the conversation at, or null to append whatever it is
     * @param items the items to append, in order
     */
    record Append(@Nullable Long version, @Nullable List<TurnItem> items) {}

    /**
     * One item of a conversation body.
     *
     * @param tokens the item's token count, as the caller counted it
     * @param item the item JSON
     */
    record TurnItem(@Nullable Long tokens, @Nullable JsonNode item) {}

    /** {@code POST …/conversations/{id}}: @param metadata the conversation's new metadata object */
    record Update(@Nullable JsonNode metadata) {}

    /** The metadata as stored: a JSON object; absent is an empty one. */
    static String metadata(@Nullable JsonNode metadata, RecordCodec codec) {
        if (metadata == null || metadata.isNull()) {
            return "{}";
        }
        if (!metadata.isObject()) {
            throw ApiException.invalidRequest(
                    "metadata", ErrorCodes.INVALID_VALUE, "'metadata' must be a JSON object.");
        }
        return codec.json(metadata);
    }

    /** The items encoded for the store, each with its id; 400 when one lacks a string id or its token count. */
    static List<IdentifiedItem> items(@Nullable List<TurnItem> items, RecordCodec codec) {
        List<TurnItem> given = items == null ? List.of() : items;
        List<StoreTurnRequest.TurnEntry> entries = new ArrayList<>(given.size());
        for (TurnItem item : given) {
            JsonNode json = item == null ? null : item.item();
            entries.add(
                    item == null
                            ? StoreTurnRequest.TurnEntry.NULL
                            : new StoreTurnRequest.TurnEntry(
                                    true, item.tokens(), json != null && json.isObject() ? codec.json(json) : null));
        }
        List<String> elements = StoreTurnRequest.encode("items", entries, codec);
        List<IdentifiedItem> identified = new ArrayList<>(given.size());
        for (int i = 0; i < given.size(); i++) {
            JsonNode id = Objects.requireNonNull(given.get(i).item()).get("id");
            if (id == null || !id.isString() || id.stringValue().isEmpty()) {
                throw ApiException.invalidRequest(
                        "items[" + i + "].item.id",
                        ErrorCodes.INVALID_VALUE,
                        "'items[" + i + "].item.id' must be a string: conversation items are addressed by id.");
            }
            identified.add(new IdentifiedItem(id.stringValue(), elements.get(i)));
        }
        return identified;
    }
}
