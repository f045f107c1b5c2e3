package dev.hotloop.api.metrics;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** The named stages a turn passes; nothing of a turn happens outside one (see docs in the README). */
public enum Stage {
    DECODE(false),
    AUTH(false),
    STATE_LOAD(true),
    VALIDATE(false),
    TOKENIZE(false),
    MODEL_TTFT(false),
    MODEL_DECODE(false),
    TOOL(true),
    PERSIST(true),
    EMIT(false);

    static final int COUNT = values().length;

    private final String tag = name().toLowerCase(Locale.ROOT);
    // remote stages are spans too; the CPU stages are in the stage timers only (a span each would cost more than them)
    private final @Nullable String span;

    Stage(boolean remote) {
        this.span = remote ? "hotloop.stage." + tag : null;
    }

    public String tag() {
        return tag;
    }

    /** The name of the stage's span, or null when it has none. */
    @Nullable
    String span() {
        return span;
    }
}
