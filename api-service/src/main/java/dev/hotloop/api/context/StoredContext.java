package dev.hotloop.api.context;

import java.util.List;

/**
 * A stored response's whole conversation, as session-service rehydrates it in one round trip.
 *
 * @param items      every item in order: history, then the response's input, then its output
 * @param inputCount how many leading items were the response's input (the rest is its output)
 * @param depth      the response's position in its chain, 1 for a chain's first response
 */
public record StoredContext(List<ContextItem> items, int inputCount, int depth) {}
