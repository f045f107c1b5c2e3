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
        return new ApiException(400, new OpenAiError(message, "invalid_request_error", param, null));
    }

    public static ApiException invalidRequest(@Nullable String param, String code, String message) {
        return new ApiException(400, new OpenAiError(message, "invalid_request_error", param, code));
    }

    public static ApiException missingParameter(String param) {
        return new ApiException(400, new OpenAiError("Missing required parameter: '" + param + "'.",
                "invalid_request_error", param, "missing_required_parameter"));
    }

    public static ApiException invalidType(String param, String expected, String actual) {
        return new ApiException(400, new OpenAiError("Invalid type for '" + param + "': expected " + expected
                + ", but got " + actual + " instead.", "invalid_request_error", param, "invalid_type"));
    }

    public static ApiException invalidValue(String param, String value, Iterable<String> supported) {
        return new ApiException(400, new OpenAiError("Invalid value: '" + value + "'. Supported values are: "
                + String.join(", ", quoted(supported)) + ".", "invalid_request_error", param, "invalid_value"));
    }

    public static ApiException previousResponseNotFound(@Nullable String id) {
        return new ApiException(400, new OpenAiError("Previous response with id '" + id + "' not found.",
                "invalid_request_error", "previous_response_id", "previous_response_not_found"));
    }

    public static ApiException responseNotFound(String id) {
        return new ApiException(404, new OpenAiError("No response found with id '" + id + "'.",
                "invalid_request_error", null, "response_not_found"));
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, new OpenAiError(message, "invalid_request_error", null, "not_found"));
    }

    public static ApiException conflict(@Nullable String param, String code, String message) {
        return new ApiException(409, new OpenAiError(message, "invalid_request_error", param, code));
    }

    public static ApiException unauthorized(String message) {
        return new ApiException(401, new OpenAiError(message, "invalid_request_error", null, "invalid_api_key"));
    }

    public static ApiException tooLarge(String message) {
        return new ApiException(413, new OpenAiError(message, "invalid_request_error", null, "request_too_large"));
    }

    public static ApiException serverError(String code, String message) {
        return new ApiException(500, new OpenAiError(message, "server_error", null, code));
    }

    public static ApiException unavailable(String code, String message) {
        return new ApiException(503, new OpenAiError(message, "server_error", null, code));
    }

    private static java.util.List<String> quoted(Iterable<String> values) {
        var out = new java.util.ArrayList<String>();
        values.forEach(v -> out.add("'" + v + "'"));
        return out;
    }
}
