package dev.hotloop.session.web;

import dev.hotloop.protocol.error.ApiException;
import dev.hotloop.protocol.error.ErrorCodes;
import dev.hotloop.serviceweb.OpenAiErrorHandler;
import io.lettuce.core.RedisCommandExecutionException;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.core.annotation.Order;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.stereotype.Component;

/** OpenAI-shaped errors for session-service; Redis down or slow is retryable, so a 503 rather than a 500. */
@Component
@Order(-2) // before Boot's ErrorWebExceptionHandler (-1), which would answer in its own shape
class ApiErrorHandler extends OpenAiErrorHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiErrorHandler.class);
    private static final Pattern FAILOVER_ERRORS =
            Pattern.compile("(MOVED|ASK|READONLY|CLUSTERDOWN|TRYAGAIN|LOADING|MASTERDOWN) ");

    ApiErrorHandler() {
        super("session service");
    }

    @Override
    protected Optional<ApiException> translate(Throwable failure) {
        if (failure instanceof DataAccessResourceFailureException
                || failure instanceof TransientDataAccessException
                || isFailover(failure)) {
            log.warn("Session store unavailable: {}", failure.getMessage());
            return Optional.of(ApiException.unavailable(
                    ErrorCodes.SESSION_STORE_UNAVAILABLE, "The session store is unavailable."));
        }
        return Optional.empty();
    }

    /** Redis refusing a command while its primaries change (Sentinel or Cluster failover, resharding): retryable. */
    private static boolean isFailover(Throwable failure) {
        return NestedExceptionUtils.getMostSpecificCause(failure) instanceof RedisCommandExecutionException refused
                && refused.getMessage() != null
                && FAILOVER_ERRORS.matcher(refused.getMessage()).lookingAt();
    }
}
