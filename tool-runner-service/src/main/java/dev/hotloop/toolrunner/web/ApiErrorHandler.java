package dev.hotloop.toolrunner.web;

import java.util.List;
import java.util.concurrent.CancellationException;

import dev.hotloop.protocol.error.ApiException;
import dev.hotloop.protocol.error.OpenAiError;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebInputException;
import org.springframework.web.server.WebExceptionHandler;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.InputCoercionException;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes every failure as an OpenAI-shaped error, also those raised before a controller is chosen (unknown route,
 * wrong method or media type): bad input is a 4xx, overload a 503 with {@code Retry-After}, and only bugs or a
 * sandbox that fails to start a 500.
 */
@Component
@Order(-2) // before Boot's ErrorWebExceptionHandler (-1), which would answer in its own shape
class ApiErrorHandler implements WebExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiErrorHandler.class);
    private static final String INVALID_REQUEST = "invalid_request_error";
    private static final String SERVER_ERROR = "server_error";
    private static final String OVERLOADED = "tool_runner_overloaded";

    private final JsonMapper mapper;

    ApiErrorHandler(JsonMapper mapper) {
        this.mapper = mapper;
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable failure) {
        ServerHttpResponse response = exchange.getResponse();
        if (response.isCommitted()) {
            return Mono.error(failure);
        }
        Answer answer = answer(failure);
        response.setStatusCode(answer.status());
        response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
        if (OVERLOADED.equals(answer.body().error().code())) {
            response.getHeaders().set(HttpHeaders.RETRY_AFTER, "1");
        }
        return response.writeWith(Mono.fromSupplier(() -> response.bufferFactory().wrap(mapper.writeValueAsBytes(answer.body()))));
    }

    private static Answer answer(Throwable failure) {
        return switch (failure) {
            case ApiException e -> new Answer(HttpStatusCode.valueOf(e.status()), e.error().asBody());
            case ServerWebInputException e -> unreadable(e);
            case ResponseStatusException e -> new Answer(e.getStatusCode(), error(
                    e.getReason() == null ? e.getStatusCode().toString() : e.getReason(), INVALID_REQUEST, null, null));
            case CancellationException e -> new Answer(HttpStatus.SERVICE_UNAVAILABLE,
                    error("The execution was cancelled.", SERVER_ERROR, null, "execution_cancelled"));
            default -> {
                log.error("Unexpected failure", failure);
                yield new Answer(HttpStatus.INTERNAL_SERVER_ERROR,
                        error("The tool runner failed unexpectedly.", SERVER_ERROR, null, "tool_runner_failed"));
            }
        };
    }

    /** Unparseable JSON, JSON of the wrong types, a missing body. */
    private static Answer unreadable(ServerWebInputException e) {
        Throwable cause = NestedExceptionUtils.getMostSpecificCause(e);
        if (cause instanceof DatabindException || cause instanceof InputCoercionException) {
            JacksonException jackson = (JacksonException) cause;
            String param = param(jackson.getPath());
            String where = param == null ? "The body" : "'" + param + "'";
            return new Answer(HttpStatus.BAD_REQUEST, error(where + " has the wrong JSON type: " + jackson.getOriginalMessage(),
                    INVALID_REQUEST, param, "invalid_json"));
        }
        if (cause instanceof JacksonException jackson) {
            return new Answer(HttpStatus.BAD_REQUEST, error("The body is not valid JSON: " + jackson.getOriginalMessage(),
                    INVALID_REQUEST, null, "invalid_json"));
        }
        return new Answer(HttpStatus.BAD_REQUEST,
                error(e.getReason() == null ? "Invalid request." : e.getReason(), INVALID_REQUEST, null, null));
    }

    /** A JSON path such as {@code arguments.commands}. */
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

    private record Answer(HttpStatusCode status, OpenAiError.Body body) {
    }

    private static OpenAiError.Body error(String message, String type, @Nullable String param, @Nullable String code) {
        return new OpenAiError(message, type, param, code).asBody();
    }
}
