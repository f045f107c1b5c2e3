package dev.hotloop.session.web;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;

/** A request that session-service answers with an OpenAI-shaped 4xx error. */
class SessionApiException extends RuntimeException {

    private final HttpStatus status;
    private final @Nullable String param;
    private final @Nullable String code;

    private SessionApiException(HttpStatus status, String message, @Nullable String param, @Nullable String code) {
        super(message, null, false, false);
        this.status = status;
        this.param = param;
        this.code = code;
    }

    /** Absent, of another tenant, or malformed: all look the same. */
    static SessionApiException notFound(String responseId) {
        return new SessionApiException(HttpStatus.NOT_FOUND, "Response with id '" + responseId + "' not found.", null, null);
    }

    static SessionApiException previousNotFound(String previousResponseId) {
        return new SessionApiException(HttpStatus.NOT_FOUND,
                "Previous response with id '" + previousResponseId + "' not found.",
                "previous_response_id", "previous_response_not_found");
    }

    static SessionApiException alreadyExists(String responseId) {
        return new SessionApiException(HttpStatus.CONFLICT, "Response with id '" + responseId + "' already exists.",
                "response.id", "response_already_exists");
    }

    static SessionApiException invalid(String param, String message) {
        return new SessionApiException(HttpStatus.BAD_REQUEST, message, param, "invalid_value");
    }

    HttpStatus status() {
        return status;
    }

    ApiError body() {
        return ApiError.of(getMessage(), ApiError.INVALID_REQUEST, param, code);
    }
}
