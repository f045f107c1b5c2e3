package dev.hotloop.session.store;

import java.util.List;

/**
 * A response with its whole context.
 *
 * @param response the response JSON with its output
 * @param items every context item as {@code {"tokens":n,"item":{…}}} JSON, oldest first: each ancestor's input
 *     and output, then this response's input, then its output
 * @param inputCount how many items precede this response's output
 * @param depth the number of responses in the chain up to and including this one
 */
public record ResponseContext(String response, List<String> items, int inputCount, int depth) {}
