package dev.hotloop.session.web;

import org.jspecify.annotations.Nullable;

/**
 * The OpenAI error body: {@code {"error":{"message","type","param","code"}}}.
 *
 * @param error what went wrong
 */
record ApiError(Detail error) {

    static final String INVALID_REQUEST = "invalid_request_error";
    static final String SERVER_ERROR = "server_error";

    static ApiError of(String message, String type, @Nullable String param, @Nullable String code) {
        return new ApiError(new Detail(message, type, param, code));
    }

    /**
     * @param message for people
     * @param type {@code invalid_request_error} or {@code server_error}
     * @param param the offending request field, such as {@code input[2].tokens}, if any
     * @param code a stable machine-readable code, if any
     */
    record Detail(String message, String type, @Nullable String param, @Nullable String code) {
    }
}
