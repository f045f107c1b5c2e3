package dev.hotloop.session.web;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonRawValue;
import dev.hotloop.session.store.ResponseContext;

/**
 * The body of {@code GET …/context}. The stored JSON is written as it is, never parsed on the way out.
 *
 * @param response the Response JSON with its output
 * @param items a JSON array of {@code {"tokens":n,"item":{…}}}, oldest first
 * @param inputCount how many items precede this response's output
 * @param depth the number of responses in the chain up to and including this one
 */
record ContextBody(
        @JsonRawValue String response,
        @JsonRawValue String items,
        @JsonProperty("input_count") int inputCount,
        int depth) {

    static ContextBody of(ResponseContext context) {
        return new ContextBody(
                context.response(),
                "[" + String.join(",", context.items()) + "]",
                context.inputCount(),
                context.depth());
    }
}
