package dev.hotloop.toolrunner.web;

import dev.hotloop.protocol.error.ApiException;
import dev.hotloop.protocol.error.ErrorCodes;
import dev.hotloop.serviceweb.OpenAiErrorHandler;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;

/**
 * OpenAI-shaped errors for tool-runner: overload is a 503 with {@code Retry-After}; only bugs or a sandbox that fails
 * to start are a 500.
 */
@Component
@Order(-2) // before Boot's ErrorWebExceptionHandler (-1), which would answer in its own shape
class ApiErrorHandler extends OpenAiErrorHandler {

    ApiErrorHandler() {
        super("tool runner");
    }

    @Override
    protected Optional<ApiException> translate(Throwable failure) {
        if (failure instanceof CancellationException) {
            return Optional.of(
                    ApiException.unavailable(ErrorCodes.EXECUTION_CANCELLED, "The execution was cancelled."));
        }
        return Optional.empty();
    }

    @Override
    protected void decorate(ServerHttpResponse response, ApiException error) {
        if (ErrorCodes.TOOL_RUNNER_OVERLOADED.equals(error.error().code())) {
            response.getHeaders().set(HttpHeaders.RETRY_AFTER, "1");
        }
    }
}
