package dev.hotloop.protocol.model;

import reactor.core.publisher.Flux;

/** A model behind hotloop: the simulator, an OpenAI-compatible chat server, an upstream Responses API. */
public interface ModelProvider {

    /**
     * Samples one step. Emits deltas and ends with one {@link ModelEvent.Finish}; errors when the model fails.
     * Cancelling the subscription stops generation at once (the client went away).
     */
    Flux<ModelEvent> stream(ModelRequest request);

    /**
     * Whether hotloop hosts the request's {@code mcp} tools for this model (lists and calls the servers itself and
     * offers their tools as functions), rather than passing them through to a model that implements MCP.
     */
    default boolean hostsMcp() {
        return true;
    }
}
