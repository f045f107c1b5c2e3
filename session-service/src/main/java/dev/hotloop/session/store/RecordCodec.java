package dev.hotloop.session.store;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * How a turn is written as Redis strings: each item as one chain-list element {@code {"tokens":n,"item":{…}}},
 * and the response as its JSON without {@code output}, which reads rebuild from the output items by splicing
 * strings, so the read path never parses JSON.
 */
@Component
public class RecordCodec {

    private static final String ITEM_FIELD = ",\"item\":";
    private static final String OUTPUT_FIELD = "\"output\":[";

    private final JsonMapper mapper;

    public RecordCodec(JsonMapper mapper) {
        this.mapper = mapper;
    }

    /**
     * The chain-list element of an item, from the item's JSON object as it came; this exact shape is what the context
     * API returns per item.
     */
    public String item(long tokens, String itemJson) {
        return "{\"tokens\":" + tokens + ITEM_FIELD + itemJson + "}";
    }

    /**
     * The context a just-stored turn reads back from Redis, built without reading it: the parent's context (none
     * for the first turn of a chain), then the turn's new input, then its output.
     *
     * @param parent the context of {@code turn.previousId()}, or {@code null} when the turn has no parent
     * @param depth the depth the store reported
     */
    public ResponseContext storedContext(@Nullable ResponseContext parent, EncodedTurn turn, int depth) {
        List<String> parentItems = parent == null ? List.of() : parent.items();
        List<String> items = new ArrayList<>(
                parentItems.size() + turn.input().size() + turn.output().size());
        // the parent's item strings are shared, not copied: contexts are immutable
        items.addAll(parentItems);
        items.addAll(turn.input());
        items.addAll(turn.output());
        return new ResponseContext(
                withOutput(turn.response(), turn.output()),
                Collections.unmodifiableList(items),
                items.size() - turn.output().size(),
                depth);
    }

    /** Compact JSON of a node, as every stored value is written. */
    public String json(JsonNode node) {
        return mapper.writeValueAsString(node);
    }

    /** The item JSON inside an element written by {@link #item}. */
    public String itemJson(String element) {
        // tokens is digits only, so the first ,"item": is the field separator
        return element.substring(element.indexOf(ITEM_FIELD) + ITEM_FIELD.length(), element.length() - 1);
    }

    /** A stored response with {@code output} appended as its last field, built from output item elements. */
    String withOutput(String responseWithoutOutput, List<String> outputElements) {
        int size = responseWithoutOutput.length() + OUTPUT_FIELD.length() + 2;
        for (String element : outputElements) {
            size += element.length();
        }
        StringBuilder json =
                new StringBuilder(size).append(responseWithoutOutput, 0, responseWithoutOutput.length() - 1);
        if (responseWithoutOutput.length() > 2) {
            json.append(',');
        }
        json.append(OUTPUT_FIELD);
        for (int i = 0; i < outputElements.size(); i++) {
            if (i > 0) {
                json.append(',');
            }
            json.append(itemJson(outputElements.get(i)));
        }
        return json.append("]}").toString();
    }
}
