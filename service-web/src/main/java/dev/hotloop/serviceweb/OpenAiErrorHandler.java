package dev.hotloop.serviceweb;

import dev.hotloop.protocol.error.ApiException;
import dev.hotloop.protocol.error.ErrorCodes;
import dev.hotloop.protocol.json.ProtocolJson;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebInputException;
import org.springframework.web.server.WebExceptionHandler;
import reactor.core.publisher.Mono;
import reactor.netty.channel.AbortedException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.InputCoercionException;
import tools.jackson.databind.DatabindException;

/**
 * Writes every failure of a service as an OpenAI-shaped error body, also those raised before a handler is chosen
 * (unknown URL, wrong method or media type), so SDKs and api-service read one shape: bad input is a 4xx, and only
 * bugs a 500 (logged, never echoed); a client that went away is neither (recorded as 499). Register a subclass with {@code @Order(-2)}, before Boot's own handler.
 */
public abstract class OpenAiErrorHandler implements WebExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(OpenAiErrorHandler.class);
    /** nginx's "client closed request": what the request's metrics record when its client went away. */
    private static final HttpStatusCode CLIENT_CLOSED_REQUEST = HttpStatusCode.valueOf(499);

    private final String service;

    /** @param service named in the message of an unexpected failure */
    protected OpenAiErrorHandler(String service) {
        this.service = service;
    }

    /** A service's own failures (its stores, its executors) as errors; empty for the common ones. */
    protected Optional<ApiException> translate(Throwable failure) {
        return Optional.empty();
    }

    /** Headers a service adds to some errors, e.g. {@code Retry-After} when overloaded. */
    protected void decorate(ServerHttpResponse response, ApiException error) {}

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable failure) {
        ServerHttpResponse response = exchange.getResponse();
        if (response.isCommitted()) {
            return Mono.error(failure);
        }
        if (failure instanceof AbortedException || AbortedException.isConnectionReset(failure)) {
            // an aborted upload or a vanished client is no failure of ours, and there is nobody left to answer
            log.debug(
                    "Client went away during {} {}: {}",
                    exchange.getRequest().getMethod(),
                    exchange.getRequest().getPath().value(),
                    failure.toString());
            response.setStatusCode(CLIENT_CLOSED_REQUEST);
            return Mono.empty();
        }
        ApiException error = translate(failure).orElseGet(() -> common(exchange.getRequest(), failure));
        response.setStatusCode(HttpStatusCode.valueOf(error.status()));
        response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
        decorate(response, error);
        byte[] body = ProtocolJson.mapper().writeValueAsBytes(error.error().asBody());
        return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
    }

    private ApiException common(ServerHttpRequest request, Throwable failure) {
        return switch (failure) {
            case ApiException api -> api;
            case DataBufferLimitException tooLarge -> ApiException.tooLarge("Request body too large.");
            case ServerWebInputException input -> unreadable(input);
            case ResponseStatusException status
            when status.getStatusCode().isSameCodeAs(HttpStatus.NOT_FOUND) ->
                ApiException.notFound(
                        null,
                        ErrorCodes.UNKNOWN_URL,
                        "Unknown request URL: " + request.getMethod() + " "
                                + request.getPath().value() + ". Please check the URL for typos.");
            case ResponseStatusException status
            when status.getStatusCode().is4xxClientError() ->
                ApiException.clientError(
                        status.getStatusCode().value(),
                        status.getReason() != null
                                ? status.getReason()
                                : status.getStatusCode().toString());
            default -> {
                log.error(
                        "Unexpected failure serving {} {}",
                        request.getMethod(),
                        request.getPath().value(),
                        failure);
                yield ApiException.serverError(
                        ErrorCodes.SERVER_ERROR, "The " + service + " had an error while processing " + "the request.");
            }
        };
    }

    /** Unparseable JSON, JSON of the wrong types, a missing body: a 400 naming the field where Jackson knows it. */
    private static ApiException unreadable(ServerWebInputException input) {
        Throwable cause = NestedExceptionUtils.getMostSpecificCause(input);
        if (cause instanceof DatabindException || cause instanceof InputCoercionException) {
            JacksonException jackson = (JacksonException) cause;
            String param = param(jackson.getPath());
            String where = param == null ? "The body" : "'" + param + "'";
            return ApiException.invalidRequest(
                    param,
                    ErrorCodes.INVALID_JSON,
                    where + " has the wrong JSON type: " + jackson.getOriginalMessage());
        }
        if (cause instanceof JacksonException jackson) {
            return ApiException.invalidRequest(
                    null, ErrorCodes.INVALID_JSON, "The body is not valid JSON: " + jackson.getOriginalMessage());
        }
        return ApiException.invalidRequest(null, input.getReason() == null ? "Invalid request." : input.getReason());
    }

    /** A JSON path such as {@code input[0].tokens}. */
    private static @Nullable String param(List<JacksonException.Reference> path) {
        StringBuilder param = new StringBuilder();
        for (JacksonException.Reference reference : path) {
            if (reference.getPropertyName() != null) {
                param.append(param.isEmpty() ? "" : ".").append(reference.getPropertyName());
            } else if (reference.getIndex() >= 0) {
                param.append('[').append(reference.getIndex()).append(']');
            }
        }
        return param.isEmpty() ? null : param.toString();
    }
}
