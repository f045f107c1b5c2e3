package dev.hotloop.session.web;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.hotloop.protocol.error.ApiException;
import dev.hotloop.protocol.error.ErrorCodes;
import dev.hotloop.protocol.id.ResponseIds;
import dev.hotloop.session.store.EncodedTurn;
import dev.hotloop.session.store.RecordCodec;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The body of {@code POST …/responses}: one turn. Items are opaque JSON objects; their types are never read.
 *
 * @param response the full Response object, including {@code id} and {@code output}
 * @param previousResponseId the parent response, if any
 * @param input the new input items of this turn only
 * @param output this response's output items, the same objects as {@code response.output}
 */
record StoreTurnRequest(
        @Nullable JsonNode response,
        @JsonProperty("previous_response_id") @Nullable String previousResponseId,
        @Nullable List<TurnItem> input,
        @Nullable List<TurnItem> output) {

    /**
     * @param tokens the item's token count, as the caller counted it
     * @param item the item JSON
     */
    record TurnItem(@Nullable Long tokens, @Nullable JsonNode item) {}

    /**
     * Validates the turn and encodes it for the store.
     *
     * @throws ApiException 400 for a malformed turn, 404 for a malformed previous response id
     */
    EncodedTurn toTurn(RecordCodec codec) {
        if (!(response instanceof ObjectNode responseObject)) {
            throw ApiException.invalidRequest(
                    "response", ErrorCodes.INVALID_VALUE, "'response' must be a Response object.");
        }
        JsonNode idNode = responseObject.get("id");
        String id = idNode != null && idNode.isString() ? idNode.stringValue() : null;
        if (id == null || !ResponseIds.isWellFormed(id)) {
            throw ApiException.invalidRequest(
                    "response.id",
                    ErrorCodes.INVALID_VALUE,
                    "'response.id' must be a response id such as resp_<48 hex>.");
        }
        if (previousResponseId != null) {
            if (!ResponseIds.isWellFormed(previousResponseId)) {
                throw StoreTurnRequest.previousNotFound(previousResponseId);
            }
            if (!ResponseIds.chainTag(previousResponseId).equals(ResponseIds.chainTag(id))) {
                throw ApiException.invalidRequest(
                        "response.id",
                        ErrorCodes.INVALID_VALUE,
                        "'response.id' must continue the chain of '" + previousResponseId + "'.");
            }
        }
        List<TurnItem> outputItems = output == null ? List.of() : output;
        JsonNode responseOutput = responseObject.get("output");
        if (responseOutput != null
                && !responseOutput.isNull()
                && (!responseOutput.isArray() || responseOutput.size() != outputItems.size())) {
            throw ApiException.invalidRequest(
                    "output", ErrorCodes.INVALID_VALUE, "'output' must hold the same items as 'response.output'.");
        }
        return new EncodedTurn(
                id,
                previousResponseId,
                codec.responseWithoutOutput(responseObject),
                encode("input", input == null ? List.of() : input, codec),
                encode("output", outputItems, codec));
    }

    /** Each item as its store element; 400 naming the first without a token count or a JSON object. */
    static List<String> encode(String field, List<TurnItem> items, RecordCodec codec) {
        List<String> elements = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            TurnItem item = items.get(i);
            String at = field + "[" + i + "]";
            if (item == null) {
                throw ApiException.invalidRequest(
                        at, ErrorCodes.INVALID_VALUE, "'" + at + "' must be an object with 'tokens' and 'item'.");
            }
            if (item.tokens() == null || item.tokens() < 0) {
                throw ApiException.invalidRequest(
                        at + ".tokens",
                        ErrorCodes.INVALID_VALUE,
                        "'" + at + ".tokens' must be a non-negative integer.");
            }
            if (item.item() == null || !item.item().isObject()) {
                throw ApiException.invalidRequest(
                        at + ".item", ErrorCodes.INVALID_VALUE, "'" + at + ".item' must be a JSON object.");
            }
            elements.add(codec.item(item.tokens(), item.item()));
        }
        return elements;
    }

    /** 404, not OpenAI's 400: api-service turns it into its own {@code previous_response_not_found}. */
    static ApiException previousNotFound(@Nullable String previousResponseId) {
        return ApiException.notFound(
                "previous_response_id",
                ErrorCodes.PREVIOUS_RESPONSE_NOT_FOUND,
                "Previous response with id '" + previousResponseId + "' not found.");
    }
}
