package dev.hotloop.api.transport.http;

import dev.hotloop.api.config.ApiProperties;
import dev.hotloop.api.context.ContextItem;
import dev.hotloop.api.loop.Turn;
import dev.hotloop.api.loop.TurnEngine;
import dev.hotloop.api.security.ApiKeyFilter;
import dev.hotloop.api.session.SessionClient;
import dev.hotloop.protocol.error.ApiException;
import dev.hotloop.protocol.event.ResponseEvent;
import dev.hotloop.protocol.json.ProtocolJson;
import dev.hotloop.protocol.request.CreateRequestReader;
import dev.hotloop.protocol.response.Response;
import java.util.List;
import java.util.Map;
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

/** {@code /v1/responses} over plain HTTP: JSON, or SSE when the request asks to stream. */
@Component
public class ResponsesHandler {

    private final TurnEngine engine;
    private final SessionClient sessions;
    private final int maxRequestBytes;

    public ResponsesHandler(TurnEngine engine, SessionClient sessions, ApiProperties properties) {
        this.engine = engine;
        this.sessions = sessions;
        this.maxRequestBytes = (int) properties.maxRequestSize().toBytes();
    }

    public Mono<ServerResponse> create(ServerRequest request) {
        String tenant = ApiKeyFilter.tenant(request.exchange());
        return body(request)
                .map(CreateRequestReader::read)
                .flatMap(create -> engine.prepare(tenant, create))
                .flatMap(turn -> turn.request().stream() ? stream(turn) : complete(turn));
    }

    public Mono<ServerResponse> get(ServerRequest request) {
        String id = request.pathVariable("id");
        return sessions.response(ApiKeyFilter.tenant(request.exchange()), id)
                .switchIfEmpty(Mono.error(() -> ApiException.responseNotFound(id)))
                .flatMap(json -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(json));
    }

    public Mono<ServerResponse> delete(ServerRequest request) {
        String id = request.pathVariable("id");
        return sessions.delete(ApiKeyFilter.tenant(request.exchange()), id)
                .flatMap(deleted -> deleted
                        ? json(Map.of("id", id, "object", "response", "deleted", true))
                        : Mono.error(ApiException.responseNotFound(id)));
    }

    public Mono<ServerResponse> inputItems(ServerRequest request) {
        String id = request.pathVariable("id");
        InputItemsPage.Query query = InputItemsPage.Query.of(request.queryParams());
        return sessions.context(ApiKeyFilter.tenant(request.exchange()), id)
                .switchIfEmpty(Mono.error(() -> ApiException.responseNotFound(id)))
                .flatMap(context -> {
                    List<ContextItem> input = context.items().subList(0, context.inputCount());
                    return json(InputItemsPage.of(input, query));
                });
    }

    private Mono<ServerResponse> complete(Turn turn) {
        return engine.run(turn)
                .filter(ResponseEvent::terminal)
                .last()
                .flatMap(event -> {
                    Response response = ((ResponseEvent.Lifecycle) event).response();
                    if (Response.FAILED.equals(response.status())) {
                        return Mono.error(failure(response.error()));
                    }
                    return json(response);
                });
    }

    private Mono<ServerResponse> stream(Turn turn) {
        Flux<ServerSentEvent<String>> events = engine.run(turn)
                .map(event -> ServerSentEvent.builder(ProtocolJson.mapper().writeValueAsString(event))
                        .event(event.type()).build());
        return ServerResponse.ok().contentType(MediaType.TEXT_EVENT_STREAM)
                .body(BodyInserters.fromServerSentEvents(events));
    }

    /** A failed non-streamed response is an HTTP error, so that SDKs surface it and may retry. */
    private static ApiException failure(Response.ResponseError error) {
        return "session_store_unavailable".equals(error.code())
                ? ApiException.unavailable(error.code(), error.message())
                : ApiException.serverError(error.code(), error.message());
    }

    private Mono<byte[]> body(ServerRequest request) {
        long declared = request.headers().contentLength().orElse(-1);
        if (declared > maxRequestBytes) {
            return Mono.error(tooLarge());
        }
        return DataBufferUtils.join(request.exchange().getRequest().getBody(), maxRequestBytes)
                .map(buffer -> {
                    byte[] bytes = new byte[buffer.readableByteCount()];
                    buffer.read(bytes);
                    DataBufferUtils.release(buffer);
                    return bytes;
                })
                .defaultIfEmpty(new byte[0])
                .onErrorMap(DataBufferLimitException.class, e -> tooLarge());
    }

    private ApiException tooLarge() {
        return ApiException.tooLarge("Request body too large: the limit is " + maxRequestBytes + " bytes.");
    }

    static Mono<ServerResponse> json(Object body) {
        return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON)
                .bodyValue(ProtocolJson.mapper().writeValueAsBytes(body));
    }
}
