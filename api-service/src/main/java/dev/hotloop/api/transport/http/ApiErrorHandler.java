package dev.hotloop.api.transport.http;

import dev.hotloop.protocol.error.ApiException;
import dev.hotloop.protocol.error.ErrorCodes;
import dev.hotloop.serviceweb.OpenAiErrorHandler;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.annotation.Order;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.stereotype.Component;

/**
 * Every failure of an HTTP call as an OpenAI-shaped error body, so that SDKs raise their typed exceptions. Redis down
 * or slow (background responses and event streams live there) is retryable: a 503 rather than a 500.
 */
@Component
@Order(-2) // before Boot's ErrorWebExceptionHandler (-1), which would answer in its own shape
class ApiErrorHandler extends OpenAiErrorHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiErrorHandler.class);

    ApiErrorHandler() {
        super("server");
    }

    @Override
    protected Optional<ApiException> translate(Throwable failure) {
        if (failure instanceof DataAccessResourceFailureException || failure instanceof TransientDataAccessException) {
            log.warn("Redis unavailable: {}", failure.getMessage());
            return Optional.of(ApiException.unavailable(
                    ErrorCodes.SESSION_STORE_UNAVAILABLE, "The response store is unavailable."));
        }
        return Optional.empty();
    }
}
