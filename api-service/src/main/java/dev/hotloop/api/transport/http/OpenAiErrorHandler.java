package dev.hotloop.api.transport.http;

import dev.hotloop.protocol.error.ApiException;
import dev.hotloop.protocol.error.OpenAiError;
import dev.hotloop.protocol.json.ProtocolJson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;
import reactor.core.publisher.Mono;

/**
 * Renders every failure of an HTTP call as an OpenAI-shaped error body, so that SDKs raise their typed
 * exceptions; runs before Boot's own error handler. Server faults are logged, never echoed in detail.
 */
@Component
@Order(-2)
public class OpenAiErrorHandler implements WebExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(OpenAiErrorHandler.class);

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable error) {
        ServerHttpResponse response = exchange.getResponse();
        if (response.isCommitted()) {
            return Mono.error(error);
        }
        ApiException api = toApiException(exchange.getRequest(), error);
        response.setStatusCode(HttpStatusCode.valueOf(api.status()));
        response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
        byte[] body = ProtocolJson.mapper().writeValueAsBytes(api.error().asBody());
        return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
    }

    private static ApiException toApiException(ServerHttpRequest request, Throwable error) {
        return switch (error) {
            case ApiException api -> api;
            case DataBufferLimitException tooLarge -> ApiException.tooLarge("Request body too large.");
            case ResponseStatusException status when status.getStatusCode().isSameCodeAs(HttpStatus.NOT_FOUND) ->
                    new ApiException(404, new OpenAiError("Unknown request URL: " + request.getMethod() + " "
                            + request.getPath().value() + ". Please check the URL for typos.",
                            "invalid_request_error", null, "unknown_url"));
            case ResponseStatusException status when status.getStatusCode().is4xxClientError() ->
                    new ApiException(status.getStatusCode().value(), new OpenAiError(
                            status.getReason() != null ? status.getReason() : "Invalid request.",
                            "invalid_request_error", null, null));
            default -> {
                log.error("Unexpected failure serving {} {}", request.getMethod(), request.getPath().value(), error);
                yield ApiException.serverError("server_error", "The server had an error while processing your request.");
            }
        };
    }
}
