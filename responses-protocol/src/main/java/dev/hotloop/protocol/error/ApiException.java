package dev.hotloop.protocol.error;

import org.jspecify.annotations.Nullable;

/** A request that fails with an HTTP status and an OpenAI-shaped error; every transport renders it in its own framing. */
public final class ApiException extends RuntimeException {

    private final int status;
    private final OpenAiError error;

    public ApiException(int status, OpenAiError error) {
        super(error.message(), null, false, false);
        this.status = status;
        this.error = error;
    }

    public int status() {
        return status;
    }

    public OpenAiError error() {
        return error;
    }

    public static ApiException invalidRequest(@Nullable String param, String message) {
        return new ApiException(400, new OpenAiError(message, ErrorTypes.INVALID_REQUEST, param, null));
    }

    public static ApiException invalidRequest(@Nullable String param, String code, String message) {
        return new ApiException(400, new OpenAiError(message, ErrorTypes.INVALID_REQUEST, param, code));
    }

    public static ApiException missingParameter(String param) {
        return new ApiException(
                400,
                new OpenAiError(
                        "Missing required parameter: '" + param + "'.",
                        ErrorTypes.INVALID_REQUEST,
                        param,
                        ErrorCodes.MISSING_REQUIRED_PARAMETER));
    }

    public static ApiException invalidType(String param, String expected, String actual) {
        return new ApiException(
                400,
                new OpenAiError(
                        "Invalid type for '" + param + "': expected " + expected + ", but got " + actual + " instead.",
                        ErrorTypes.INVALID_REQUEST,
                        param,
                        ErrorCodes.INVALID_TYPE));
    }

    public static ApiException invalidValue(String param, String value, Iterable<String> supported) {
        return new ApiException(
                400,
                new OpenAiError(
                        "Invalid value: '" + value + "'. Supported values are: " + String.join(", ", quoted(supported))
                                + ".",
                        ErrorTypes.INVALID_REQUEST,
                        param,
                        ErrorCodes.INVALID_VALUE));
    }

    public static ApiException previousResponseNotFound(@Nullable String id) {
        return new ApiException(
                400,
                new OpenAiError(
                        "Previous response with id '" + id + "' not found.",
                        ErrorTypes.INVALID_REQUEST,
                        "previous_response_id",
                        ErrorCodes.PREVIOUS_RESPONSE_NOT_FOUND));
    }

    public static ApiException responseNotFound(String id) {
        return new ApiException(
                404,
                new OpenAiError(
                        "No response found with id '" + id + "'.",
                        ErrorTypes.INVALID_REQUEST,
                        null,
                        ErrorCodes.RESPONSE_NOT_FOUND));
    }

    public static ApiException conversationNotFound(String id) {
        return notFound(null, ErrorCodes.CONVERSATION_NOT_FOUND, "Conversation with id '" + id + "' not found.");
    }

    public static ApiException notFound(String message) {
        return notFound(null, ErrorCodes.NOT_FOUND, message);
    }

    public static ApiException notFound(@Nullable String param, String code, String message) {
        return new ApiException(404, new OpenAiError(message, ErrorTypes.INVALID_REQUEST, param, code));
    }

    /** A 4xx of the request's doing that has no finer code. */
    public static ApiException clientError(int status, String message) {
        return new ApiException(status, new OpenAiError(message, ErrorTypes.INVALID_REQUEST, null, null));
    }

    public static ApiException conflict(@Nullable String param, String code, String message) {
        return new ApiException(409, new OpenAiError(message, ErrorTypes.INVALID_REQUEST, param, code));
    }

    public static ApiException unauthorized(String message) {
        return new ApiException(
                401, new OpenAiError(message, ErrorTypes.INVALID_REQUEST, null, ErrorCodes.INVALID_API_KEY));
    }

    public static ApiException tooLarge(String message) {
        return new ApiException(
                413, new OpenAiError(message, ErrorTypes.INVALID_REQUEST, null, ErrorCodes.REQUEST_TOO_LARGE));
    }

    public static ApiException serverError(String code, String message) {
        return serverError(500, code, message);
    }

    public static ApiException unavailable(String code, String message) {
        return serverError(503, code, message);
    }

    /** A failure of the server or of an upstream, with the status that says which (502, 503, 504, or 429). */
    public static ApiException serverError(int status, String code, String message) {
        return new ApiException(status, new OpenAiError(message, ErrorTypes.SERVER, null, code));
    }

    private static java.util.List<String> quoted(Iterable<String> values) {
        var out = new java.util.ArrayList<String>();
        values.forEach(v -> out.add("'" + v + "'"));
        return out;
    }
}
