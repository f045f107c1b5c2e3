package dev.hotloop.protocol.error;

import org.jspecify.annotations.Nullable;

/**
 * The body of an OpenAI-shaped error, {@code {"error":{"message","type","param","code"}}}.
 *
 * @param message what went wrong, for a person
 * @param type    one of {@link ErrorTypes}
 * @param param   the offending request field as a path such as {@code input[2].call_id}, or null
 * @param code    a machine-readable code, one of {@link ErrorCodes} (or an upstream's), or null
 */
public record OpenAiError(
        String message,
        String type,
        @Nullable String param,
        @Nullable String code) {

    /** The wrapper object that HTTP bodies carry. */
    public record Body(OpenAiError error) {}

    public Body asBody() {
        return new Body(this);
    }
}
