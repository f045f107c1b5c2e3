package dev.hotloop.protocol.request;

import dev.hotloop.protocol.error.ApiException;
import dev.hotloop.protocol.error.ErrorCodes;
import dev.hotloop.protocol.id.ResponseIds;
import dev.hotloop.protocol.item.Item;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Parses and validates the bodies of the Conversations API, as {@link CreateRequestReader} does a create body: every
 * failure a 400 naming the field, unknown fields ignored. Items are read as a create body's input items are, and
 * each gets an id when it has none, since a conversation's items are addressed by id.
 */
public final class ConversationRequestReader {

    /** Most items one call may add, as OpenAI's. */
    public static final int MAX_ITEMS = 20;

    /**
     * A {@code POST /v1/conversations} body.
     *
     * @param metadata the conversation's metadata, empty when none was given
     * @param items its initial items, in order
     */
    public record NewConversation(Map<String, String> metadata, List<Item> items) {}

    private ConversationRequestReader() {}

    /** A create body; an empty one is a conversation without metadata or items. */
    public static NewConversation create(byte[] body) {
        if (body.length == 0) {
            return new NewConversation(Map.of(), List.of());
        }
        JsonFields fields = fields(body);
        return new NewConversation(CreateRequestReader.metadata(fields), items(fields, false));
    }

    /** The metadata of a {@code POST /v1/conversations/{id}} body, which replaces the conversation's (null clears it). */
    public static Map<String, String> update(byte[] body) {
        JsonFields fields = fields(body);
        if (!fields.object().has("metadata")) {
            throw ApiException.missingParameter("metadata");
        }
        return CreateRequestReader.metadata(fields);
    }

    /** The items of a {@code POST /v1/conversations/{id}/items} body. */
    public static List<Item> items(byte[] body) {
        return items(fields(body), true);
    }

    /** The item, or a copy with a fresh id when it has none (only pass-through types can lack one). */
    public static Item identified(Item item) {
        if (item.json().path("id").isString()) {
            return item;
        }
        ObjectNode json = item.json().deepCopy();
        json.put("id", ResponseIds.item("item"));
        return Item.of(json);
    }

    private static JsonFields fields(byte[] body) {
        JsonNode tree = CreateRequestReader.tree(body);
        StorableJson.check(tree);
        return JsonFields.of(tree, "");
    }

    private static List<Item> items(JsonFields body, boolean required) {
        JsonNode array = body.array("items");
        if (array == null) {
            if (required) {
                throw ApiException.missingParameter("items");
            }
            return List.of();
        }
        if (array.size() > MAX_ITEMS) {
            throw ApiException.invalidRequest(
                    "items",
                    ErrorCodes.ARRAY_ABOVE_MAX_LENGTH,
                    "Invalid 'items': array too long. Expected an array with maximum length " + MAX_ITEMS
                            + ", but got an array with length " + array.size() + " instead.");
        }
        List<Item> items = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            items.add(identified(InputReader.readItem(array.get(i), "items[" + i + "]")));
        }
        return items;
    }
}
