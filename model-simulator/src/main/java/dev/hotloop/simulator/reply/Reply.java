package dev.hotloop.simulator.reply;

import org.jspecify.annotations.Nullable;

/** One output the model emits in a step, before it is split into tokens. */
public sealed interface Reply {

    /** Assistant text. */
    record Message(String text) implements Reply {}

    /** A call of a client-executed function tool, its arguments as a JSON string. */
    record FunctionCall(
            String callId, String name, @Nullable String arguments) implements Reply {}
}
