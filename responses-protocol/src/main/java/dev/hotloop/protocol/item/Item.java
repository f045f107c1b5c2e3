package dev.hotloop.protocol.item;

import com.fasterxml.jackson.annotation.JsonValue;
import tools.jackson.databind.node.ObjectNode;

/**
 * One conversation item, kept as the JSON the client or model produced so that fields hotloop does not
 * act on (reasoning {@code encrypted_content}, image parts, …) pass through untouched.
 * The typed variants expose what the agent loop needs to read; none of them is ever mutated after creation.
 */
public sealed interface Item permits MessageItem, FunctionCallItem, FunctionCallOutputItem, PassThroughItem {

    @JsonValue
    ObjectNode json();

    default String type() {
        return json().path("type").asString("");
    }

    /** The item id, or null when the item has none (pass-through types may lack one). */
    default String id() {
        return json().path("id").stringValue(null);
    }

    /** True for items a model produces (assistant messages, tool calls, reasoning), false for client input. */
    default boolean producedByModel() {
        return switch (this) {
            case MessageItem message -> "assistant".equals(message.role());
            case FunctionCallItem call -> true;
            case FunctionCallOutputItem output -> false;
            case PassThroughItem other -> ItemTypes.MODEL_PRODUCED.contains(other.type());
        };
    }

    /** Wraps already-validated JSON (from storage or from a reader) in its typed variant. */
    static Item of(ObjectNode json) {
        return switch (json.path("type").asString("")) {
            case "message" -> new MessageItem(json);
            case "function_call" -> new FunctionCallItem(json);
            case "function_call_output" -> new FunctionCallOutputItem(json);
            default -> new PassThroughItem(json);
        };
    }
}
