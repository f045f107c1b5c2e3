package dev.hotloop.api.transport.http;

import dev.hotloop.api.background.BackgroundResponses;
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
import dev.hotloop.api.stream.EventFrame;
import dev.hotloop.api.stream.EventLog;
import dev.hotloop.api.stream.ResponseStreams;
import dev.hotloop.protocol.error.ApiException;
import dev.hotloop.protocol.error.ErrorCodes;
import dev.hotloop.protocol.error.OpenAiError;
import dev.hotloop.protocol.event.ResponseEvent;
import dev.hotloop.protocol.id.ChainKeys;
import dev.hotloop.protocol.id.ResponseIds;
import dev.hotloop.protocol.json.ProtocolJson;
import dev.hotloop.protocol.request.CreateRequest;
import dev.hotloop.protocol.request.CreateRequestReader;
import dev.hotloop.protocol.response.InputTokens;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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

    private static final Logger log = LoggerFactory.getLogger(ResponsesHandler.class);

    private final TurnEngine engine;
    private final StoredConversations conversations;
    private final SessionClient sessions;
    private final RequestBodies bodies;
    private final ResponseStreams streams;
    private final EventLog events;
    private final BackgroundResponses backgroundResponses;

    public ResponsesHandler(
            TurnEngine engine,
            StoredConversations conversations,
            SessionClient sessions,
            RequestBodies bodies,
            ResponseStreams streams,
            EventLog events,
            BackgroundResponses backgroundResponses) {
        this.engine = engine;
        this.conversations = conversations;
        this.sessions = sessions;
        this.bodies = bodies;
        this.streams = streams;
        this.events = events;
        this.backgroundResponses = backgroundResponses;
    }

    public Mono<ServerResponse> create(ServerRequest request) {
        long started = System.nanoTime();
        String tenant = ApiKeyFilter.tenant(request.exchange());
        boolean timingAsked = request.headers().firstHeader(TurnTiming.REQUEST_HEADER) != null;
        return bodies.read(request).flatMap(bytes -> {
            CreateRequest create = CreateRequestReader.read(bytes);
            // non-streamed responses always carry Server-Timing; streams only when asked
            TurnOrigin origin = new TurnOrigin(
                    tenant,
                    create.stream() ? Transport.SSE : Transport.HTTP,
                    ApiKeyFilter.arrivedNanos(request.exchange(), started),
                    System.nanoTime() - started,
                    ApiKeyFilter.authNanos(request.exchange()),
                    !create.stream() || timingAsked);
            return engine.prepare(origin, create, conversations).flatMap(turn -> {
                if (create.background()) {
                    return background(turn, bytes);
                }
                return create.stream() ? stream(turn) : complete(turn);
            });
        });
    }

    /** Queued for a worker of any replica: answered at once, or followed from its first event when streamed. */
    private Mono<ServerResponse> background(Turn turn, byte[] body) {
        return backgroundResponses
                .submit(turn, new String(body, StandardCharsets.UTF_8))
                .flatMap(queued -> turn.request().stream()
                        ? sse(
                                events.follow(
                                        ChainKeys.of(
                                                        turn.tenant(),
                                                        turn.response().id())
                                                .orElseThrow(),
                                        -1),
                                -1)
                        : jsonBytes(queued.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * {@code POST /v1/responses/{id}/cancel}: a queued or running background response ends cancelled, from any
     * replica; a finished one is returned as it is; a foreground one cannot be cancelled (400), as OpenAI.
     */
    public Mono<ServerResponse> cancel(ServerRequest request) {
        String id = pathId(request);
        String tenant = ApiKeyFilter.tenant(request.exchange());
        return backgroundResponses
                .cancel(tenant, id)
                .map(state -> state.response().getBytes(StandardCharsets.UTF_8))
                .switchIfEmpty(Mono.defer(() -> sessions.response(tenant, id)
                        .switchIfEmpty(Mono.error(() -> ApiException.responseNotFound(id)))
                        .map(stored -> {
                            if (!ProtocolJson.mapper()
                                    .readTree(stored)
                                    .path("background")
                                    .asBoolean(false)) {
                                throw ApiException.invalidRequest(null, "Cannot cancel a synchronous response.");
                            }
                            return stored;
                        })))
                .flatMap(ResponsesHandler::jsonBytes);
    }

    /** {@code POST /v1/responses/compact}: the conversation (previous response and/or input) as one compaction item. */
    public Mono<ServerResponse> compact(ServerRequest request) {
        TurnOrigin origin = TurnOrigin.now(ApiKeyFilter.tenant(request.exchange()), Transport.HTTP);
        return bodies.read(request)
                .map(CreateRequestReader::read)
                .flatMap(create -> engine.prepare(origin, create, conversations))
                .flatMap(engine::compact)
                .flatMap(ResponsesHandler::json);
    }

    /**
     * {@code POST /v1/responses/input_tokens}: the create body's input tokens, counted as its response would count them
     * (the same context, instructions and tools, through the same preparation); nothing runs, nothing is stored.
     */
    public Mono<ServerResponse> inputTokens(ServerRequest request) {
        TurnOrigin origin = TurnOrigin.now(ApiKeyFilter.tenant(request.exchange()), Transport.HTTP);
        return bodies.read(request)
                .map(CreateRequestReader::read)
                .flatMap(create -> engine.prepare(origin, create, conversations))
                .flatMap(engine::inputTokens)
                .flatMap(inputTokens -> json(InputTokens.of(inputTokens)));
    }

    /** The stored response, or with {@code stream=true} its events after {@code starting_after}, live to its end. */
    public Mono<ServerResponse> get(ServerRequest request) {
        String id = pathId(request);
        String tenant = ApiKeyFilter.tenant(request.exchange());
        if (request.queryParam("stream").filter("true"::equals).isPresent()) {
            int after = startingAfter(request);
            return Mono.justOrEmpty(ChainKeys.of(tenant, id))
                    .flatMap(keys -> events.replay(keys, after))
                    .switchIfEmpty(Mono.error(() -> ApiException.responseNotFound(id)))
                    .flatMap(frames -> sse(frames, after));
        }
        return sessions.response(tenant, id)
                .switchIfEmpty(Mono.defer(() -> backgroundResponses.live(tenant, id)))
                .switchIfEmpty(Mono.error(() -> ApiException.responseNotFound(id)))
                .flatMap(ResponsesHandler::jsonBytes);
    }

    public Mono<ServerResponse> delete(ServerRequest request) {
        String id = pathId(request);
        String tenant = ApiKeyFilter.tenant(request.exchange());
        return sessions.delete(tenant, id)
                .doOnNext(deleted -> conversations.forget(tenant, id))
                .flatMap(deleted -> deleted
                        ? Mono.justOrEmpty(ChainKeys.of(tenant, id))
                                .flatMap(events::delete)
                                .then(json(Map.of("id", id, "object", "response", "deleted", true)))
                        : Mono.error(ApiException.responseNotFound(id)));
    }

    /** {@code starting_after}: the sequence number after which a replay starts; -1 (all) when absent. */
    private static int startingAfter(ServerRequest request) {
        String value = request.queryParam("starting_after").orElse(null);
        if (value == null) {
            return -1;
        }
        try {
            int after = Integer.parseInt(value);
            if (after >= 0) {
                return after;
            }
        } catch (NumberFormatException notAnInteger) {
            // refused below
        }
        throw ApiException.invalidRequest(
                "starting_after",
                ErrorCodes.INVALID_VALUE,
                "Invalid 'starting_after': expected a sequence number (an integer >= 0), got '" + value + "'.");
    }

    public Mono<ServerResponse> inputItems(ServerRequest request) {
        String id = pathId(request);
        ItemsPage.Query query = ItemsPage.Query.of(request.queryParams());
        return sessions.context(ApiKeyFilter.tenant(request.exchange()), id)
                .switchIfEmpty(Mono.error(() -> ApiException.responseNotFound(id)))
                .flatMap(context -> {
                    List<ContextItem> input = context.items().subList(0, context.inputCount());
                    return json(ItemsPage.of(input, query));
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

    /** A stored response runs on when its client leaves, and can be resumed; one that is not stored stops. */
    private Mono<ServerResponse> stream(Turn turn) {
        Flux<ResponseEvent> run = engine.run(turn, TurnListener.NONE);
        return sse(
                turn.request().store()
                        ? streams.run(
                                ChainKeys.of(turn.tenant(), turn.response().id())
                                        .orElseThrow(),
                                run)
                        : run.map(EventFrame::of),
                -1);
    }

    /**
     * The frames as SSE events. A stream that fails (a follower's Redis went away, or its response stopped without an
     * end) ends with an {@code error} event numbered after the last event sent, as PROTOCOL.md has it, rather than
     * with a cut connection or a silent end the client cannot tell from a finished stream.
     *
     * @param after the sequence number the stream starts after; -1 for a stream from its first event
     */
    private static Mono<ServerResponse> sse(Flux<EventFrame> frames, int after) {
        Flux<ServerSentEvent<String>> events = Flux.defer(() -> {
            AtomicInteger last = new AtomicInteger(after);
            return frames.doOnNext(frame -> last.set(frame.sequenceNumber()))
                    .onErrorResume(failure -> Mono.just(EventFrame.error(last.get() + 1, streamError(failure))))
                    .map(EventFrame::sse);
        });
        return ServerResponse.ok()
                .contentType(MediaType.TEXT_EVENT_STREAM)
                .body(BodyInserters.fromServerSentEvents(events));
    }

    private static OpenAiError streamError(Throwable failure) {
        if (failure instanceof ApiException api) {
            return api.error();
        }
        log.warn("An event stream failed", failure);
        return ApiException.serverError(ErrorCodes.SERVER_ERROR, "The response's event stream failed.")
                .error();
    }

    /** The W3C {@code Server-Timing} value of a finished turn: total, the four buckets and every stage, in ms. */
    private static String serverTiming(ResponseEvent.Lifecycle terminal) {
        // the engine times every non-streamed turn
        JsonNode timing = Objects.requireNonNull(terminal.hotloopTiming());
        StringBuilder header = new StringBuilder()
                .append("total;dur=")
                .append(timing.path("total_ms").asDouble())
                .append(", model;dur=")
                .append(timing.path("model_ms").asDouble())
                .append(", overhead;dur=")
                .append(timing.path("api_overhead_ms").asDouble())
                .append(", client_tool;dur=")
                .append(timing.path("client_tool_ms").asDouble())
                .append(", post_processing;dur=")
                .append(timing.path("post_processing_ms").asDouble());
        timing.path("stages_ms")
                .forEachEntry((stage, ms) ->
                        header.append(", ").append(stage).append(";dur=").append(ms.asDouble()));
        return header.toString();
    }

    private static Mono<ServerResponse> jsonBytes(byte[] json) {
        return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(json);
    }

    static Mono<ServerResponse> json(Object body) {
        return ServerResponse.ok()
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(ProtocolJson.mapper().writeValueAsBytes(body));
    }
}
