package dev.hotloop.api.transport.http;

import dev.hotloop.api.config.ApiProperties;
import dev.hotloop.api.context.ContextItem;
import dev.hotloop.api.context.StoredConversations;
import dev.hotloop.api.loop.Turn;
import dev.hotloop.api.loop.TurnEngine;
import dev.hotloop.api.loop.TurnListener;
import dev.hotloop.api.loop.TurnOrigin;
import dev.hotloop.api.loop.TurnOrigin.Transport;
import dev.hotloop.api.metrics.TurnTiming;
import dev.hotloop.api.security.ApiKeyFilter;
import dev.hotloop.api.session.SessionClient;
import dev.hotloop.protocol.error.ApiException;
import dev.hotloop.protocol.error.OpenAiError;
import dev.hotloop.protocol.event.ResponseEvent;
import dev.hotloop.protocol.id.ResponseIds;
import dev.hotloop.protocol.json.ProtocolJson;
import dev.hotloop.protocol.request.CreateRequest;
import dev.hotloop.protocol.request.CreateRequestReader;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/** {@code /v1/responses} over plain HTTP: JSON, or SSE when the request asks to stream. */
@Component
public class ResponsesHandler {

    private final TurnEngine engine;
    private final StoredConversations conversations;
    private final SessionClient sessions;
    private final int maxRequestBytes;
    private final ApiProperties.Http limits;

    public ResponsesHandler(
            TurnEngine engine, StoredConversations conversations, SessionClient sessions, ApiProperties properties) {
        this.engine = engine;
        this.conversations = conversations;
        this.sessions = sessions;
        this.maxRequestBytes = (int) properties.maxRequestSize().toBytes();
        this.limits = properties.http();
    }

    public Mono<ServerResponse> create(ServerRequest request) {
        long started = System.nanoTime();
        String tenant = ApiKeyFilter.tenant(request.exchange());
        boolean timingAsked = request.headers().firstHeader(TurnTiming.REQUEST_HEADER) != null;
        return body(request)
                .map(bytes -> {
                    CreateRequest create = CreateRequestReader.read(bytes);
                    // non-streamed responses always carry Server-Timing; streams only when asked
                    TurnOrigin origin = new TurnOrigin(
                            tenant,
                            create.stream() ? Transport.SSE : Transport.HTTP,
                            started,
                            System.nanoTime() - started,
                            ApiKeyFilter.authNanos(request.exchange()),
                            !create.stream() || timingAsked);
                    return Map.entry(origin, create);
                })
                .flatMap(entry -> engine.prepare(entry.getKey(), entry.getValue(), conversations))
                .flatMap(turn -> turn.request().stream() ? stream(turn) : complete(turn));
    }

    /** {@code POST /v1/responses/compact}: the conversation (previous response and/or input) as one compaction item. */
    public Mono<ServerResponse> compact(ServerRequest request) {
        TurnOrigin origin = TurnOrigin.now(ApiKeyFilter.tenant(request.exchange()), Transport.HTTP);
        return body(request)
                .map(CreateRequestReader::read)
                .flatMap(create -> engine.prepare(origin, create, conversations))
                .flatMap(engine::compact)
                .flatMap(ResponsesHandler::json);
    }

    public Mono<ServerResponse> get(ServerRequest request) {
        String id = pathId(request);
        return sessions.response(ApiKeyFilter.tenant(request.exchange()), id)
                .switchIfEmpty(Mono.error(() -> ApiException.responseNotFound(id)))
                .flatMap(json -> ServerResponse.ok()
                        .contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(json));
    }

    public Mono<ServerResponse> delete(ServerRequest request) {
        String id = pathId(request);
        String tenant = ApiKeyFilter.tenant(request.exchange());
        return sessions.delete(tenant, id)
                .doOnNext(deleted -> conversations.forget(tenant, id))
                .flatMap(deleted -> deleted
                        ? json(Map.of("id", id, "object", "response", "deleted", true))
                        : Mono.error(ApiException.responseNotFound(id)));
    }

    public Mono<ServerResponse> inputItems(ServerRequest request) {
        String id = pathId(request);
        InputItemsPage.Query query = InputItemsPage.Query.of(request.queryParams());
        return sessions.context(ApiKeyFilter.tenant(request.exchange()), id)
                .switchIfEmpty(Mono.error(() -> ApiException.responseNotFound(id)))
                .flatMap(context -> {
                    List<ContextItem> input = context.items().subList(0, context.inputCount());
                    return json(InputItemsPage.of(input, query));
                });
    }

    /** The id in the path; one longer than any id is absent, without asking the store (which refuses such URLs). */
    private static String pathId(ServerRequest request) {
        String id = request.pathVariable("id");
        if (id.length() > ResponseIds.MAX_LENGTH) {
            throw ApiException.responseNotFound(id.substring(0, ResponseIds.MAX_LENGTH) + "…");
        }
        return id;
    }

    /** A failed non-streamed response is an HTTP error with its cause's status, so that SDKs raise it and may retry. */
    private Mono<ServerResponse> complete(Turn turn) {
        AtomicReference<ApiException> failure = new AtomicReference<>();
        TurnListener listener = new TurnListener() {
            @Override
            public void failed(Turn failedTurn, ApiException cause) {
                failure.set(cause);
            }
        };
        return engine.run(turn, listener).filter(ResponseEvent::terminal).last().flatMap(event -> {
            if (failure.get() != null) {
                return Mono.error(failure.get());
            }
            ResponseEvent.Lifecycle terminal = (ResponseEvent.Lifecycle) event;
            return ServerResponse.ok()
                    .contentType(MediaType.APPLICATION_JSON)
                    .header("Server-Timing", serverTiming(terminal))
                    .bodyValue(ProtocolJson.mapper().writeValueAsBytes(terminal.response()));
        });
    }

    private Mono<ServerResponse> stream(Turn turn) {
        Flux<ServerSentEvent<String>> events = engine.run(turn, TurnListener.NONE)
                .map(event -> ServerSentEvent.builder(ProtocolJson.mapper().writeValueAsString(event))
                        .event(event.type())
                        .build());
        return ServerResponse.ok()
                .contentType(MediaType.TEXT_EVENT_STREAM)
                .body(BodyInserters.fromServerSentEvents(events));
    }

    /** The W3C {@code Server-Timing} value of a finished turn: total, model, overhead and every stage, in ms. */
    private static String serverTiming(ResponseEvent.Lifecycle terminal) {
        // the engine times every non-streamed turn
        JsonNode timing = Objects.requireNonNull(terminal.hotloopTiming());
        StringBuilder header = new StringBuilder()
                .append("total;dur=")
                .append(timing.path("total_ms").asDouble())
                .append(", model;dur=")
                .append(timing.path("model_ms").asDouble())
                .append(", overhead;dur=")
                .append(timing.path("api_overhead_ms").asDouble());
        timing.path("stages_ms")
                .forEachEntry((stage, ms) ->
                        header.append(", ").append(stage).append(";dur=").append(ms.asDouble()));
        return header.toString();
    }

    private Mono<byte[]> body(ServerRequest request) {
        long declared = request.headers().contentLength().orElse(-1);
        if (declared > maxRequestBytes) {
            return Mono.error(tooLarge());
        }
        // here rather than in Reactor Netty, whose read and request timeouts also close upgraded WebSocket connections
        Flux<DataBuffer> received = request.exchange()
                .getRequest()
                .getBody()
                .timeout(
                        limits.readTimeout(),
                        Mono.error(() -> timedOut("no part of the body arrived for "
                                + limits.readTimeout().toMillis() + " ms")));
        return DataBufferUtils.join(received, maxRequestBytes)
                .timeout(
                        limits.bodyTimeout(),
                        Mono.error(() -> timedOut("the body took longer than "
                                + limits.bodyTimeout().toMillis() + " ms to arrive")))
                .map(buffer -> {
                    byte[] bytes = new byte[buffer.readableByteCount()];
                    buffer.read(bytes);
                    DataBufferUtils.release(buffer);
                    return bytes;
                })
                .defaultIfEmpty(new byte[0])
                .onErrorMap(DataBufferLimitException.class, e -> tooLarge());
    }

    private static ApiException timedOut(String why) {
        return new ApiException(
                408,
                new OpenAiError("Request timed out: " + why + ".", "invalid_request_error", null, "request_timeout"));
    }

    private ApiException tooLarge() {
        return ApiException.tooLarge("Request body too large: the limit is " + maxRequestBytes + " bytes.");
    }

    static Mono<ServerResponse> json(Object body) {
        return ServerResponse.ok()
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(ProtocolJson.mapper().writeValueAsBytes(body));
    }
}
