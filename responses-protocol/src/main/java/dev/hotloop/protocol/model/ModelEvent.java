package dev.hotloop.protocol.model;

import org.jspecify.annotations.Nullable;

/**
 * What a model provider streams for one sampling step. Text deltas form one assistant message until a
 * function call starts; a call's argument deltas follow its start; {@link Finish} is always last.
 */
public sealed interface ModelEvent {

    /** Text of the assistant message (starts one if none is open). */
    record TextDelta(String text) implements ModelEvent {}

    /** A function call begins; its arguments follow as {@link ArgumentsDelta}s. */
    record FunctionCallStart(String callId, String name) implements ModelEvent {}

    /** A piece of the open function call's JSON arguments. */
    record ArgumentsDelta(String delta) implements ModelEvent {}

    /**
     * The end of the step.
     *
     * @param usage token counts as the model reports them, or null to let the engine count
     */
    record Finish(FinishReason reason, @Nullable ModelUsage usage) implements ModelEvent {}

    /** Token counts reported by an upstream model. */
    record ModelUsage(int inputTokens, int cachedTokens, int outputTokens) {}
}
