package dev.hotloop.api.metrics;

import java.util.Locale;

/** The named stages a turn passes; nothing of a turn happens outside one (see docs in the README). */
public enum Stage {
    DECODE,
    AUTH,
    STATE_LOAD,
    VALIDATE,
    TOKENIZE,
    MODEL_TTFT,
    MODEL_DECODE,
    TOOL,
    PERSIST,
    EMIT;

    private final String tag = name().toLowerCase(Locale.ROOT);

    public String tag() {
        return tag;
    }
}
