package dev.hotloop.api.transport.websocket;

import dev.hotloop.api.config.ApiProperties;
import dev.hotloop.api.context.Conversation;
import dev.hotloop.api.context.StoredConversations;
import dev.hotloop.api.limits.Demand;
import dev.hotloop.api.limits.TenantLimiter;
import dev.hotloop.api.loop.Turn;
import dev.hotloop.api.loop.TurnEngine;
import dev.hotloop.api.loop.TurnListener;
import dev.hotloop.api.metrics.TurnMetrics;
import dev.hotloop.api.metrics.TurnTiming;
import dev.hotloop.api.loop.TurnOrigin;
import dev.hotloop.api.loop.TurnOrigin.Transport;
import dev.hotloop.protocol.error.ApiException;
import dev.hotloop.protocol.error.OpenAiError;
import dev.hotloop.protocol.request.CreateRequest;
import dev.hotloop.protocol.response.Response;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.WebSocketSession;
import reactor.core.publisher.BufferOverflowStrategy;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * One client's WebSocket: {@code response.create} frames run one at a time per lane (the default lane, or one per
 * {@code stream_id}), lanes run side by side, and every event goes out as one text frame. The connection ends when
 * the client leaves (cancelling whatever runs), when it reaches its maximum age, when it idles, or when the
 * client stops reading.
 */
final class ResponsesConnection {

    private static final Logger log = LoggerFactory.getLogger(ResponsesConnection.class);
    private static final AtomicLong IDS = new AtomicLong();
    /** Frames refused at the door (limits) are answered at once, not behind a lane's running response. */
    private static final String REFUSED = "\u0000refused";

    private record Admission(String group, ClientFrame frame, int bytes) {
    }

    private final WebSocketSession session;
    private final String tenant;
    private final TurnEngine engine;
    private final TurnMetrics metrics;
    private final TenantLimiter limiter;
    private final ApiProperties.WebSocket settings;
    private final ConnectionContext context;
    private final Set<String> lanes = new HashSet<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    /** Admitted frames of all connections not yet running (a gauge), and this connection's share of them. */
    private final AtomicInteger queued;
    private final AtomicInteger waiting = new AtomicInteger();
    private final boolean showTiming;
    private volatile long lastActivity = System.nanoTime();

    ResponsesConnection(WebSocketSession session, String tenant, TurnEngine engine, TurnMetrics metrics,
                        ConversationCache cache, StoredConversations store, ApiProperties.WebSocket settings,
                        AtomicInteger queued, TenantLimiter limiter) {
        this.limiter = limiter;
        this.queued = queued;
        this.session = session;
        this.metrics = metrics;
        this.tenant = tenant;
        this.showTiming = session.getHandshakeInfo().getHeaders().getFirst(TurnTiming.REQUEST_HEADER) != null;
        this.engine = engine;
        this.settings = settings;
        this.context = new ConnectionContext(IDS.incrementAndGet(), cache, store);
    }

    /**
     * Serves the connection until the client leaves. A planned end (maximum age, idleness) closes it with a close
     * handshake rather than by cancelling the inbound side, which would drop the connection before the last frame.
     */
    Mono<Void> serve() {
        Sinks.One<Boolean> gone = Sinks.one();
        Flux<WebSocketMessage> frames = session.receive()
                .doFinally(signal -> gone.tryEmitValue(true))
                .map(this::admit)
                .groupBy(Admission::group)
                .flatMap(group -> REFUSED.equals(group.key())
                        ? group.map(admission -> refusal(admission.frame()))
                        // a client that left cancels whatever runs for it, and so the model
                        : group.concatMap(admission -> run(admission).takeUntilOther(gone.asMono())),
                        settings.maxLanes() + 2)
                .map(session::textMessage);
        Flux<WebSocketMessage> pings = Flux.interval(settings.pingInterval())
                .map(tick -> session.pingMessage(buffers -> buffers.wrap(new byte[0])))
                .takeUntilOther(gone.asMono());
        Flux<WebSocketMessage> ending = Mono.firstWithValue(ageLimit(), idle())
                .takeUntilOther(gone.asMono())
                .flatMapMany(aged -> Flux.concat(
                        aged ? Mono.just(session.textMessage(connectionLimitFrame())) : Mono.empty(),
                        Mono.defer(() -> session.close(CloseStatus.NORMAL)).then(Mono.empty())));
        Flux<WebSocketMessage> outbound = Flux.merge(frames, pings, ending)
                .onBackpressureBuffer(settings.maxBufferedFrames(), BufferOverflowStrategy.ERROR);
        return session.send(outbound)
                .onErrorResume(error -> {
                    log.debug("WebSocket connection ended: {}", error.toString());
                    return session.close(CloseStatus.POLICY_VIOLATION.withReason("The client does not read its events."));
                })
                .doFinally(signal -> {
                    queued.addAndGet(-waiting.getAndSet(0));
                    context.release();
                });
    }

    private Admission admit(WebSocketMessage message) {
        lastActivity = System.nanoTime();
        int bytes = message.getPayload().readableByteCount();
        ClientFrame frame = message.getType() == WebSocketMessage.Type.TEXT
                ? ClientFrame.parse(message.getPayloadAsText())
                : ClientFrame.refused(null, ApiException.invalidRequest(null, "invalid_frame",
                        "Only text frames carrying JSON events are accepted."));
        synchronized (lanes) {
            if (frame.streamId() != null && !lanes.contains(frame.lane()) && lanes.size() >= settings.maxLanes()) {
                return new Admission(REFUSED, ClientFrame.refused(frame.streamId(), limit(
                        "This connection already has " + settings.maxLanes() + " stream lanes.")), bytes);
            }
            if (inFlight.get() >= settings.maxInFlight()) {
                return new Admission(REFUSED, ClientFrame.refused(frame.streamId(), limit(
                        "This connection already has " + settings.maxInFlight() + " responses in flight.")), bytes);
            }
            lanes.add(frame.lane());
            inFlight.incrementAndGet();
            queued.incrementAndGet();
            waiting.incrementAndGet();
        }
        return new Admission(frame.lane(), frame, bytes);
    }

    /** Runs one admitted frame to its last event; a refused request is one error frame and evicts what it named. */
    private Flux<String> run(Admission admission) {
        queued.decrementAndGet();
        waiting.decrementAndGet();
        ClientFrame frame = admission.frame();
        if (frame.request() != null) {
            context.clientToolNanos(frame.request().previousResponseId(), frame.receivedNanos())
                    .ifPresent(nanos -> metrics.clientToolTime(Transport.WEBSOCKET, nanos));
        }
        Flux<String> frames = frame.error() != null
                ? Flux.just(ServerFrames.error(frame.error(), frame.streamId()))
                : limitedResponse(frame, admission.bytes());
        return frames.doFinally(signal -> {
            inFlight.decrementAndGet();
            lastActivity = System.nanoTime();
        });
    }

    /** The frame's response, started now: queueing behind the lane's previous one is the client's wait, not overhead. */
    private Flux<String> respond(ClientFrame frame) {
        return engine.prepare(new TurnOrigin(tenant, Transport.WEBSOCKET, System.nanoTime() - frame.decodeNanos(),
                        frame.decodeNanos(), 0, showTiming), frame.request(), context)
                .flatMapMany(turn -> engine.run(turn, listener(frame.lane())))
                .map(event -> ServerFrames.event(event, frame.streamId()))
                .onErrorResume(error -> {
                    forgetPrevious(frame.request());
                    return Mono.just(ServerFrames.error(asApiException(error), frame.streamId()));
                });
    }

    /**
     * The frame's response when the tenant's limits admit it, holding its slot until it ends; else one
     * {@code rate_limit_exceeded} error frame, and the connection stays open.
     */
    private Flux<String> limitedResponse(ClientFrame frame, int bytes) {
        if (!limiter.enabled()) {
            return respond(frame);
        }
        return limiter.admit(tenant, Demand.response(bytes)).flatMapMany(grant -> grant.admitted()
                ? respond(frame).contextWrite(grant::into).doFinally(signal -> grant.release())
                : Flux.just(ServerFrames.error(grant.refusal(), frame.streamId())));
    }

    private TurnListener listener(String lane) {
        return new TurnListener() {
            @Override
            public void finished(Turn turn, Response response, Conversation after) {
                context.remember(lane, response.id(), after);
            }

            @Override
            public void failed(Turn turn, ApiException cause) {
                forgetPrevious(turn.request());
            }
        };
    }

    private void forgetPrevious(CreateRequest request) {
        if (request.previousResponseId() != null) {
            context.forget(request.previousResponseId());
        }
    }

    private String refusal(ClientFrame frame) {
        return ServerFrames.error(frame.error(), frame.streamId());
    }

    /** True when the connection reached its maximum age. */
    private Mono<Boolean> ageLimit() {
        return Mono.delay(settings.maxConnectionAge()).thenReturn(true);
    }

    /** False when the connection idled: nothing in flight and no frame for the idle timeout. */
    private Mono<Boolean> idle() {
        long idleNanos = settings.idleTimeout().toNanos();
        return Flux.interval(settings.idleTimeout().dividedBy(4))
                .filter(tick -> inFlight.get() == 0 && System.nanoTime() - lastActivity > idleNanos)
                .next()
                .thenReturn(false);
    }

    private String connectionLimitFrame() {
        return ServerFrames.error(400, new OpenAiError("Responses websocket connection limit reached ("
                + settings.maxConnectionAge().toMinutes() + " minutes). Create a new websocket connection to continue.",
                "invalid_request_error", null, "websocket_connection_limit_reached"), null);
    }

    private static ApiException limit(String message) {
        return ApiException.invalidRequest("stream_id", "websocket_stream_limit_reached", message);
    }

    private static ApiException asApiException(Throwable error) {
        if (error instanceof ApiException api) {
            return api;
        }
        log.error("Unexpected failure on a WebSocket turn", error);
        return ApiException.serverError("server_error", "The server had an error while processing your request.");
    }
}
