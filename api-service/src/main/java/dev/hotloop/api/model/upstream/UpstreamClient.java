package dev.hotloop.api.model.upstream;

import dev.hotloop.api.config.ModelProperties;
import dev.hotloop.api.remote.RemoteClients;
import dev.hotloop.protocol.json.ProtocolJson;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.core.codec.CodecException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * The HTTP client of one upstream: a keep-alive connection pool of its own, its key and extra headers on every
 * request, and server-sent events read with Spring's decoder. Every failure comes out as an
 * {@link UpstreamException}; cancelling a stream closes its connection, which stops the upstream's generation.
 */
public final class UpstreamClient {

    private static final ParameterizedTypeReference<ServerSentEvent<String>> EVENTS =
            new ParameterizedTypeReference<>() {};
    private static final int MAX_MESSAGE_CHARS = 500;

    private final WebClient http;
    private final String label;
    private final Clock clock;

    private UpstreamClient(WebClient http, String label, Clock clock) {
        this.http = http;
        this.label = label;
        this.clock = clock;
    }

    /**
     * @param label   how logs and errors name this upstream (never its key)
     * @param apiKey  the key, or null to send none
     * @param clients builds the client, with its pool, metrics and tracing, as every remote client is built
     */
    public static UpstreamClient create(
            String label, ModelProperties.Upstream config, @Nullable String apiKey, RemoteClients clients) {
        // no response timeout: the routed model times the first token and the gaps between events itself
        WebClient.Builder builder = clients.builder(
                        "upstream-" + label,
                        config.pool(),
                        config.connectTimeout(),
                        config.maxIdleTime(),
                        null,
                        config.maxEventSize())
                .baseUrl(config.url().toString().replaceAll("/+$", ""));
        config.headers().forEach(builder::defaultHeader);
        if (apiKey != null) {
            boolean bearer = HttpHeaders.AUTHORIZATION.equalsIgnoreCase(config.apiKeyHeader());
            builder.defaultHeader(config.apiKeyHeader(), bearer ? "Bearer " + apiKey : apiKey);
        }
        return new UpstreamClient(builder.build(), label, Clock.systemUTC());
    }

    public String label() {
        return label;
    }

    /**
     * POSTs {@code body} (JSON) to {@code path} and streams the {@code data} of each server-sent event. Errors with
     * an {@link UpstreamException}: {@code RATE_LIMITED} for 429, {@code UNAVAILABLE} for 5xx, 408, connect errors
     * and connections that close mid-stream, {@code REJECTED} for other 4xx, {@code MALFORMED} for a 2xx that is not
     * an event stream. Cancelling closes the connection.
     */
    public Flux<String> stream(String path, byte[] body) {
        return http.post()
                .uri(path)
                .contentType(MediaType.APPLICATION_JSON)
                .contentLength(body.length)
                .accept(MediaType.TEXT_EVENT_STREAM)
                // the rendered bytes as they are, wrapped: no codec looked up per request
                .body((request, context) ->
                        request.writeWith(Mono.just(request.bufferFactory().wrap(body))))
                .exchangeToFlux(this::events)
                .onErrorMap(error -> !(error instanceof UpstreamException), this::classify);
    }

    private Flux<String> events(ClientResponse response) {
        int status = response.statusCode().value();
        if (response.statusCode().is2xxSuccessful()) {
            MediaType type = response.headers().contentType().orElse(MediaType.TEXT_EVENT_STREAM);
            if (!MediaType.TEXT_EVENT_STREAM.isCompatibleWith(type)) {
                return response.releaseBody()
                        .thenMany(Flux.error(new UpstreamException(
                                UpstreamException.Kind.MALFORMED,
                                status,
                                null,
                                "answered " + type + " instead of an event stream",
                                label + " answered " + status + " with " + type + " instead of an event stream",
                                null)));
            }
            return response.bodyToFlux(EVENTS).mapNotNull(ServerSentEvent::data);
        }
        Duration retryAfter = RetryAfter.of(response.headers().asHttpHeaders(), clock);
        return response.bodyToMono(String.class).defaultIfEmpty("").flatMapMany(text -> {
            UpstreamException.Kind kind = status == 429
                    ? UpstreamException.Kind.RATE_LIMITED
                    : status >= 500 || status == 408
                            ? UpstreamException.Kind.UNAVAILABLE
                            : UpstreamException.Kind.REJECTED;
            String message = errorMessage(text);
            return Flux.error(new UpstreamException(
                    kind,
                    status,
                    retryAfter,
                    "HTTP " + status + (message.isEmpty() ? "" : ": " + message),
                    errorCode(text),
                    label + " answered HTTP " + status + ": " + message,
                    null));
        });
    }

    private UpstreamException classify(Throwable error) {
        if (error instanceof WebClientRequestException) {
            return new UpstreamException(
                    UpstreamException.Kind.UNAVAILABLE,
                    0,
                    null,
                    "could not connect",
                    label + " could not be reached: " + error.getMessage(),
                    error);
        }
        if (error instanceof CodecException || error instanceof JacksonException) {
            return new UpstreamException(
                    UpstreamException.Kind.MALFORMED,
                    0,
                    null,
                    "unreadable stream",
                    label + " sent an unreadable stream: " + error.getMessage(),
                    error);
        }
        if (error instanceof TimeoutException) {
            return new UpstreamException(
                    UpstreamException.Kind.TIMEOUT, 0, null, "timed out", label + " timed out", error);
        }
        if (error instanceof IOException) {
            return new UpstreamException(
                    UpstreamException.Kind.UNAVAILABLE,
                    0,
                    null,
                    "the connection closed before the stream finished",
                    label + " closed the connection: " + error.getMessage(),
                    error);
        }
        return new UpstreamException(
                UpstreamException.Kind.UNAVAILABLE, 0, null, null, label + " failed: " + error, error);
    }

    /** OpenAI's {@code error.code} of an error body, or null. */
    static @Nullable String errorCode(String body) {
        try {
            JsonNode json = ProtocolJson.mapper().readTree(body);
            return json == null ? null : json.path("error").path("code").stringValue(null);
        } catch (JacksonException e) {
            return null;
        }
    }

    /**
     * The message of an error body: OpenAI's and Ollama's {@code error.message}, vLLM's {@code message}, a bare
     * {@code error} string, else the body itself, cut at 500 characters.
     */
    static String errorMessage(String body) {
        String message = body;
        try {
            JsonNode json = ProtocolJson.mapper().readTree(body);
            if (json != null && json.isObject()) {
                JsonNode error = json.path("error");
                message = error.isString()
                        ? error.stringValue()
                        : error.path("message").isString()
                                ? error.path("message").stringValue()
                                : json.path("message").isString()
                                        ? json.path("message").stringValue()
                                        : body;
            }
        } catch (JacksonException e) {
            // not JSON: the body is the message
        }
        message = message.strip();
        return message.length() > MAX_MESSAGE_CHARS ? message.substring(0, MAX_MESSAGE_CHARS) + "…" : message;
    }
}
