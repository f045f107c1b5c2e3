package dev.hotloop.protocol.request;

import dev.hotloop.protocol.error.ApiException;
import dev.hotloop.protocol.error.ErrorCodes;
import dev.hotloop.protocol.id.ConversationIds;
import dev.hotloop.protocol.id.ResponseIds;
import dev.hotloop.protocol.item.Item;
import dev.hotloop.protocol.json.ProtocolJson;
import dev.hotloop.protocol.tool.Tool;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.databind.JsonNode;

/**
 * Parses and validates a create body. Every failure is an {@link ApiException} with status 400 and the
 * offending field as {@code param}; unknown fields are ignored, as OpenAI's clients send new ones. Whatever it
 * accepts can be stored and served back: no lone UTF-16 surrogates, nesting within
 * {@link ProtocolJson#MAX_CLIENT_DEPTH}.
 */
public final class CreateRequestReader {

    private static final int METADATA_MAX_PAIRS = 16;
    private static final int METADATA_KEY_MAX = 64;
    private static final int METADATA_VALUE_MAX = 512;
    private static final List<String> TRUNCATIONS = List.of("auto", "disabled");
    private static final String COMPACTION = "compaction";
    /** OpenAI's minimum of {@code compact_threshold}. */
    private static final int MIN_COMPACT_THRESHOLD = 1000;

    private CreateRequestReader() {}

    /** Parses raw JSON bytes; malformed JSON is a 400 like any other invalid body. */
    public static CreateRequest read(byte[] body) {
        return read(tree(body));
    }

    /** The JSON of a client's body; malformed or empty JSON is a 400. */
    static JsonNode tree(byte[] body) {
        JsonNode tree;
        try {
            tree = ProtocolJson.clientMapper().readTree(body);
        } catch (StreamConstraintsException e) {
            throw ApiException.invalidRequest(
                    null, "invalid_json", "The JSON body exceeds a limit of this server: " + e.getOriginalMessage());
        } catch (JacksonException e) {
            throw ApiException.invalidRequest(
                    null,
                    ErrorCodes.INVALID_JSON,
                    "We could not parse the JSON body of your request. "
                            + "(HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a "
                            + "JSON payload, but what was sent was not valid JSON.)");
        }
        if (tree == null || tree.isMissingNode()) {
            throw ApiException.invalidRequest(
                    null, ErrorCodes.INVALID_JSON, "The request body is empty: expected a JSON object.");
        }
        return tree;
    }

    /** Validates a parsed body, e.g. a WebSocket frame's. */
    public static CreateRequest read(JsonNode tree) {
        StorableJson.check(tree);
        JsonFields body = JsonFields.of(tree, "");
        boolean background = orDefault(body.bool("background"), false);
        boolean store = orDefault(body.bool("store"), true);
        if (background && !store) {
            throw ApiException.invalidRequest(
                    "background", ErrorCodes.INVALID_VALUE, "Background responses require 'store' to be true.");
        }
        String previousResponseId = previousResponseId(body);
        String conversation = conversation(body.node("conversation"));
        if (conversation != null && previousResponseId != null) {
            throw ApiException.invalidRequest(
                    "conversation",
                    ErrorCodes.MUTUALLY_EXCLUSIVE_PARAMETERS,
                    "'previous_response_id' and 'conversation' cannot be used together.");
        }
        List<Tool> tools = ToolReader.tools(body.array("tools"));
        String truncation = body.string("truncation");
        if (truncation != null && !TRUNCATIONS.contains(truncation)) {
            throw ApiException.invalidValue("truncation", truncation, TRUNCATIONS);
        }
        List<Item> input = InputReader.read(body.node("input"));
        return new CreateRequest(
                body.string("model"),
                input,
                body.string("instructions"),
                tools,
                ToolReader.choice(body.node("tool_choice"), tools),
                orDefault(body.bool("parallel_tool_calls"), true),
                previousResponseId,
                conversation,
                store,
                orDefault(body.bool("stream"), false),
                background,
                body.integer("max_output_tokens", 16),
                body.integer("max_tool_calls", 1),
                metadata(body),
                body.decimal("temperature", 0, 2),
                body.decimal("top_p", 0, 1),
                truncation,
                compactThreshold(body.array("context_management")),
                body.objectNode("text"),
                body.objectNode("reasoning"),
                strings(body, "include"),
                body.string("prompt_cache_key"),
                body.string("service_tier"),
                body.string("user"),
                body.string("safety_identifier"),
                orDefault(body.bool("generate"), true),
                body.string("stream_id"));
    }

    /** An id that cannot name a response is refused here, so that no store is ever asked for it. */
    private static @Nullable String previousResponseId(JsonFields body) {
        String id = body.string("previous_response_id");
        if (id == null) {
            return null;
        }
        if (id.length() > ResponseIds.MAX_LENGTH) {
            throw ApiException.invalidRequest(
                    "previous_response_id",
                    "invalid_value",
                    "Invalid "
                            + "'previous_response_id': string too long. Expected a string with maximum length "
                            + ResponseIds.MAX_LENGTH + ", but got a string with length " + id.length() + " instead.");
        }
        if (!id.startsWith(ResponseIds.PREFIX)) {
            throw ApiException.invalidRequest(
                    "previous_response_id",
                    "invalid_value",
                    "Invalid " + "'previous_response_id': '" + id + "'. Expected an ID that begins with '"
                            + ResponseIds.PREFIX + "'.");
        }
        return id;
    }

    /**
     * The conversation id, given as a string or as {@code {"id": ...}}; one that cannot name a conversation is refused
     * here, so that no store is ever asked for it.
     */
    private static @Nullable String conversation(@Nullable JsonNode conversation) {
        if (conversation == null) {
            return null;
        }
        String id;
        if (conversation.isObject()) {
            id = JsonFields.of(conversation, "conversation").requiredString("id");
        } else if (conversation.isString()) {
            id = conversation.stringValue();
        } else {
            throw ApiException.invalidType("conversation", "a string or an object", JsonFields.describe(conversation));
        }
        if (!ConversationIds.isWellFormed(id)) {
            throw ApiException.invalidRequest(
                    "conversation",
                    ErrorCodes.INVALID_VALUE,
                    "Invalid 'conversation': '" + shortened(id) + "'. Expected an ID that begins with '"
                            + ConversationIds.PREFIX + "', as this server issues them.");
        }
        return id;
    }

    /**
     * The threshold of a {@code compaction} entry of {@code context_management}; null without one, or when it names
     * no threshold (hotloop knows no model's window to default to).
     */
    private static @Nullable Integer compactThreshold(@Nullable JsonNode entries) {
        if (entries == null) {
            return null;
        }
        Integer threshold = null;
        for (int i = 0; i < entries.size(); i++) {
            JsonFields entry = JsonFields.of(entries.get(i), "context_management[" + i + "]");
            String type = entry.requiredString("type");
            if (!COMPACTION.equals(type)) {
                throw ApiException.invalidValue(entry.param("type"), type, List.of(COMPACTION));
            }
            threshold = entry.integer("compact_threshold", MIN_COMPACT_THRESHOLD);
        }
        return threshold;
    }

    private static String shortened(String value) {
        return value.length() <= 64 ? value : value.substring(0, 64) + "…";
    }

    static Map<String, String> metadata(JsonFields body) {
        JsonNode metadata = body.objectNode("metadata");
        if (metadata == null) {
            return Map.of();
        }
        if (metadata.size() > METADATA_MAX_PAIRS) {
            throw ApiException.invalidRequest(
                    "metadata",
                    ErrorCodes.OBJECT_ABOVE_MAX_PROPERTIES,
                    "Invalid 'metadata': too many "
                            + "properties. Expected an object with at most " + METADATA_MAX_PAIRS
                            + " properties, but got "
                            + metadata.size() + " instead.");
        }
        Map<String, String> pairs = new LinkedHashMap<>();
        JsonFields fields = JsonFields.of(metadata, "metadata");
        for (String key : metadata.propertyNames()) {
            if (key.length() > METADATA_KEY_MAX) {
                throw ApiException.invalidRequest(
                        "metadata",
                        ErrorCodes.STRING_ABOVE_MAX_LENGTH,
                        "Invalid 'metadata': key '" + key.substring(0, 16) + "…' is longer than " + METADATA_KEY_MAX
                                + " characters.");
            }
            String value = fields.requiredString(key);
            if (value.length() > METADATA_VALUE_MAX) {
                throw ApiException.invalidRequest(
                        fields.param(key),
                        ErrorCodes.STRING_ABOVE_MAX_LENGTH,
                        "Invalid '" + fields.param(key) + "': string too long. Expected at most " + METADATA_VALUE_MAX
                                + " characters.");
            }
            pairs.put(key, value);
        }
        return pairs;
    }

    private static List<String> strings(JsonFields body, String field) {
        JsonNode array = body.array(field);
        if (array == null) {
            return List.of();
        }
        List<String> values = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            JsonNode value = array.get(i);
            if (!value.isString()) {
                throw ApiException.invalidType(field + "[" + i + "]", "a string", JsonFields.describe(value));
            }
            values.add(value.stringValue());
        }
        return values;
    }

    private static boolean orDefault(@Nullable Boolean value, boolean fallback) {
        return value != null ? value : fallback;
    }
}
