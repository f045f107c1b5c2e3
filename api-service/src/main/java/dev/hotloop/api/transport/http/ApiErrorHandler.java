package dev.hotloop.api.transport.http;

import dev.hotloop.serviceweb.OpenAiErrorHandler;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/** Every failure of an HTTP call as an OpenAI-shaped error body, so that SDKs raise their typed exceptions. */
@Component
@Order(-2) // before Boot's ErrorWebExceptionHandler (-1), which would answer in its own shape
class ApiErrorHandler extends OpenAiErrorHandler {

    ApiErrorHandler() {
        super("server");
    }
}
