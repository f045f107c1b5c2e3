package dev.hotloop.session.web;

import dev.hotloop.protocol.error.ApiException;
import dev.hotloop.protocol.error.ErrorCodes;
import dev.hotloop.protocol.id.ResponseIds;
import dev.hotloop.session.store.EncodedTurn;
import dev.hotloop.session.store.RecordCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.web.server.ServerWebInputException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The body of {@code POST …/responses}: one turn, {@code {"response": {…}, "previous_response_id": …, "input":
 * [{"tokens": n, "item": {…}}…], "output": […]}}. It is read in one streaming pass over the bytes that came in, and
 * what is stored is cut from those bytes: no JSON tree is built, copied or encoded again. Items are opaque JSON
 * objects; their types are never read.
 *
 * @param response the Response object, or {@code null} when the body has none or it is not an object; its
 *     {@code output}, when present, holds the same items as {@code output} (api-service leaves it out: they are
 *     stored once, as items)
 * @param previousResponseId the parent response, if any
 * @param input the new input items of this turn only
 * @param output this response's output items
 */
record StoreTurnRequest(
        @Nullable ResponseObject response,
        @Nullable String previousResponseId,
        List<TurnEntry> input,
        List<TurnEntry> output) {

    /**
     * The Response object as it came.
     *
     * @param withoutOutput its JSON without the {@code output} field, as it is stored
     * @param id its {@code id} when that is a string
     * @param outputSize the size of its {@code output} array: {@link #NO_OUTPUT} when absent or null,
     *     {@link #NOT_AN_ARRAY} when something else
     */
    record ResponseObject(String withoutOutput, @Nullable String id, int outputSize) {

        static final int NO_OUTPUT = -1;
        static final int NOT_AN_ARRAY = -2;
    }

    /**
     * One element of {@code input} or {@code output}.
     *
     * @param object whether the element is a JSON object (else it was {@code null})
     * @param tokens the item's token count, as the caller counted it
     * @param item the item's JSON as it came, or {@code null} when absent or not an object
     */
    record TurnEntry(
            boolean object, @Nullable Long tokens, @Nullable String item) {

        static final TurnEntry NULL = new TurnEntry(false, null, null);
    }

    /** Reads a body: 400 {@code invalid_json} when it is not JSON or holds a field of the wrong JSON type. */
    static StoreTurnRequest read(byte[] body, JsonMapper mapper) {
        try (JsonParser parser = mapper.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw wrongType(null, "an object");
            }
            ResponseObject response = null;
            String previousResponseId = null;
            List<TurnEntry> input = List.of();
            List<TurnEntry> output = List.of();
            while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (field) {
                    case "response" ->
                        response = value == JsonToken.START_OBJECT ? responseObject(parser, body) : skip(parser);
                    case "previous_response_id" -> previousResponseId = previousResponseId(parser, value);
                    case "input" -> input = entries(parser, "input", body);
                    case "output" -> output = entries(parser, "output", body);
                    default -> parser.skipChildren();
                }
            }
            return new StoreTurnRequest(response, previousResponseId, input, output);
        } catch (StreamReadException malformed) {
            // answered as any unparseable body is
            throw new ServerWebInputException("The body is not valid JSON.", null, malformed);
        }
    }

    /**
     * Validates the turn and encodes it for the store.
     *
     * @throws ApiException 400 for a malformed turn, 404 for a malformed previous response id
     */
    EncodedTurn toTurn(RecordCodec codec) {
        if (response == null) {
            throw ApiException.invalidRequest(
                    "response", ErrorCodes.INVALID_VALUE, "'response' must be a Response object.");
        }
        String id = response.id();
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
        if (response.outputSize() != ResponseObject.NO_OUTPUT && response.outputSize() != output.size()) {
            throw ApiException.invalidRequest(
                    "output", ErrorCodes.INVALID_VALUE, "'output' must hold the same items as 'response.output'.");
        }
        return new EncodedTurn(
                id,
                previousResponseId,
                response.withoutOutput(),
                encode("input", input, codec),
                encode("output", output, codec));
    }

    /** Each item as its store element; 400 naming the first without a token count or a JSON object. */
    static List<String> encode(String field, List<TurnEntry> entries, RecordCodec codec) {
        List<String> elements = new ArrayList<>(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            TurnEntry entry = entries.get(i);
            Long tokens = entry.tokens();
            String item = entry.item();
            if (entry.object() && tokens != null && tokens >= 0 && item != null) {
                elements.add(codec.item(tokens, item));
                continue;
            }
            // the path is spelled out only for the error
            String at = field + "[" + i + "]";
            if (!entry.object()) {
                throw ApiException.invalidRequest(
                        at, ErrorCodes.INVALID_VALUE, "'" + at + "' must be an object with 'tokens' and 'item'.");
            }
            if (tokens == null || tokens < 0) {
                throw ApiException.invalidRequest(
                        at + ".tokens",
                        ErrorCodes.INVALID_VALUE,
                        "'" + at + ".tokens' must be a non-negative integer.");
            }
            throw ApiException.invalidRequest(
                    at + ".item", ErrorCodes.INVALID_VALUE, "'" + at + ".item' must be a JSON object.");
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

    /**
     * The response object the parser is at, its fields copied as they came but for {@code output}: every field is
     * the bytes from its name to the next field's name (or the closing brace), less the separator between them.
     */
    private static ResponseObject responseObject(JsonParser parser, byte[] body) {
        int start = offset(parser);
        List<Integer> starts = new ArrayList<>();
        BitSet outputs = new BitSet();
        String id = null;
        int outputSize = ResponseObject.NO_OUTPUT;
        while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
            starts.add(offset(parser));
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            if ("id".equals(field)) {
                id = value == JsonToken.VALUE_STRING ? parser.getString() : null;
            } else if ("output".equals(field)) {
                outputs.set(starts.size() - 1);
                outputSize = arraySize(parser, value);
                continue;
            }
            parser.skipChildren();
        }
        int end = offset(parser);
        byte[] stored = new byte[end + 1 - start];
        int length = 0;
        stored[length++] = '{';
        for (int i = 0; i < starts.size(); i++) {
            if (outputs.get(i)) {
                continue;
            }
            int from = starts.get(i);
            int to = i + 1 < starts.size() ? starts.get(i + 1) : end;
            // a value never ends in whitespace or a comma: what trails it is the separator
            while (isSeparator(body[to - 1])) {
                to--;
            }
            if (length > 1) {
                stored[length++] = ',';
            }
            System.arraycopy(body, from, stored, length, to - from);
            length += to - from;
        }
        stored[length++] = '}';
        return new ResponseObject(new String(stored, 0, length, StandardCharsets.UTF_8), id, outputSize);
    }

    /** The size of the array the parser is at, its elements skipped. */
    private static int arraySize(JsonParser parser, JsonToken value) {
        if (value == JsonToken.VALUE_NULL) {
            return ResponseObject.NO_OUTPUT;
        }
        if (value != JsonToken.START_ARRAY) {
            parser.skipChildren();
            return ResponseObject.NOT_AN_ARRAY;
        }
        int size = 0;
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            parser.skipChildren();
            size++;
        }
        return size;
    }

    private static List<TurnEntry> entries(JsonParser parser, String field, byte[] body) {
        if (parser.currentToken() == JsonToken.VALUE_NULL) {
            return List.of();
        }
        if (parser.currentToken() != JsonToken.START_ARRAY) {
            throw wrongType(field, "an array");
        }
        List<TurnEntry> entries = new ArrayList<>();
        for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
            if (token == JsonToken.VALUE_NULL) {
                entries.add(TurnEntry.NULL);
            } else if (token == JsonToken.START_OBJECT) {
                entries.add(entry(parser, field, entries.size(), body));
            } else {
                throw wrongType(field + "[" + entries.size() + "]", "an object");
            }
        }
        return entries;
    }

    /** The entry at {@code field[index]}, which the parser is at; its path is spelled out only for an error. */
    private static TurnEntry entry(JsonParser parser, String field, int index, byte[] body) {
        Long tokens = null;
        String item = null;
        while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            if ("tokens".equals(name)) {
                tokens = tokens(parser, value, field, index);
            } else if ("item".equals(name)) {
                item = value == JsonToken.START_OBJECT ? copied(parser, body) : skip(parser);
            } else {
                parser.skipChildren();
            }
        }
        return new TurnEntry(true, tokens, item);
    }

    private static @Nullable Long tokens(JsonParser parser, JsonToken value, String field, int index) {
        if (value == JsonToken.VALUE_NULL) {
            return null;
        }
        if (value != JsonToken.VALUE_NUMBER_INT || parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
            throw wrongType(field + "[" + index + "].tokens", "an integer");
        }
        return parser.getLongValue();
    }

    private static @Nullable String previousResponseId(JsonParser parser, JsonToken value) {
        if (value == JsonToken.VALUE_NULL) {
            return null;
        }
        if (value != JsonToken.VALUE_STRING) {
            throw wrongType("previous_response_id", "a string");
        }
        return parser.getString();
    }

    /** The object the parser is at, as the bytes it came as. */
    private static String copied(JsonParser parser, byte[] body) {
        int start = offset(parser);
        parser.skipChildren();
        return new String(body, start, offset(parser) + 1 - start, StandardCharsets.UTF_8);
    }

    private static <T> @Nullable T skip(JsonParser parser) {
        parser.skipChildren();
        return null;
    }

    /** Where the parser's current token starts in the body: a field name's opening quote, a bracket. */
    private static int offset(JsonParser parser) {
        return Math.toIntExact(parser.currentTokenLocation().getByteOffset());
    }

    private static boolean isSeparator(byte b) {
        return b == ',' || b == ' ' || b == '\n' || b == '\r' || b == '\t';
    }

    private static ApiException wrongType(@Nullable String param, String expected) {
        String where = param == null ? "The body" : "'" + param + "'";
        return ApiException.invalidRequest(
                param, ErrorCodes.INVALID_JSON, where + " has the wrong JSON type: expected " + expected + ".");
    }
}
