package dev.hotloop.protocol.model;

/** Why a model stopped sampling. */
public enum FinishReason {
    /** The model finished its answer or its tool calls. */
    STOP,
    /** The output token budget ran out: the response becomes {@code incomplete}. */
    LENGTH,
    /** The model's content filter cut it off: the response becomes {@code incomplete}. */
    CONTENT_FILTER
}
