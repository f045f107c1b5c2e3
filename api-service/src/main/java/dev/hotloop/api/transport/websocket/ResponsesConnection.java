package dev.hotloop.api.transport.websocket;

import dev.hotloop.api.config.ApiProperties;
import dev.hotloop.api.context.Conversation;
import dev.hotloop.api.context.StoredConversations;
import dev.hotloop.api.limits.Demand;
import dev.hotloop.api.limits.TenantLimiter;
import dev.hotloop.api.loop.Turn;
import dev.hotloop.api.loop.TurnEngine;
import dev.hotloop.api.loop.TurnListener;
import dev.hotloop.api.loop.TurnOrigin;
import dev.hotloop.api.loop.TurnOrigin.Transport;
import dev.hotloop.api.metrics.TurnTiming;
import dev.hotloop.protocol.error.ApiException;
import dev.hotloop.protocol.error.ErrorCodes;
import dev.hotloop.protocol.request.CreateRequest;
import dev.hotloop.protocol.response.Response;
import java.util.HashSet;
import java.util.Objects;
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
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * One client's WebSocket: {@code response.create} frames run one at a time per lane (the default lane, or one per
 * {@code stream_id}), lanes run side by side, and every event goes out as one text frame. Pings and pongs are the
 * transport's keepalive, never events nor activity. The connection ends when the client leaves (cancelling whatever
 * runs), when it reaches its maximum age, when it idles, when the client stops reading, or when the server drains:
 * then no further create starts, and once the running ones have finished it closes with 1001 (going away).
 */
final class ResponsesConnection {

    private static final Logger log = LoggerFactory.getLogger(ResponsesConnection.class);
    private static final AtomicLong IDS = new AtomicLong();
    /** Frames refused at the door (limits) are answered at once, not behind a lane's running response. */
    private static final String REFUSED = "\u0000refused";

    private record Admission(String group, ClientFrame frame, int bytes) {}

    private enum Ending {
        AGED,
        IDLE,
        DRAINED
    }

    private final WebSocketSession session;
    private final Scheduler eventLoop;
    private final String tenant;
    private final TurnEngine engine;
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
    private volatile boolean draining;
    private final Sinks.One<Ending> drained = Sinks.one();
    private final Sinks.Empty<Void> closed = Sinks.empty();

    /** Keeps each finished response ready to continue; a failed turn evicts what it referenced. */
    private final TurnListener listener = new TurnListener() {
        @Override
        public void finished(Turn turn, Response response, Conversation after) {
            context.remember(response.id(), after);
        }

        @Override
        public void failed(Turn turn, ApiException cause) {
            forgetPrevious(turn.request());
        }
    };

    ResponsesConnection(
            WebSocketSession session,
            String tenant,
            TurnEngine engine,
            ConversationCache cache,
            StoredConversations store,
            ApiProperties.WebSocket settings,
            AtomicInteger queued,
            TenantLimiter limiter) {
        this.limiter = limiter;
        this.queued = queued;
        this.session = session;
        this.eventLoop = session instanceof LoopBoundSession bound ? bound.eventLoop() : Schedulers.immediate();
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
                .filter(message -> message.getType() == WebSocketMessage.Type.TEXT
                        || message.getType() == WebSocketMessage.Type.BINARY)
                .map(this::admit)
                .groupBy(Admission::group)
                .flatMap(
                        group -> REFUSED.equals(group.key())
                                ? group.map(admission -> refusal(admission.frame()))
                                // a client that left cancels whatever runs for it, and so the model
                                : group.concatMap(admission -> run(admission).takeUntilOther(gone.asMono())),
                        settings.maxLanes() + 2)
                .map(this::text);
        Flux<WebSocketMessage> pings = Flux.interval(settings.pingInterval())
                .map(tick -> session.pingMessage(buffers -> buffers.wrap(new byte[0])))
                .takeUntilOther(gone.asMono());
        Flux<WebSocketMessage> ending = Mono.firstWithValue(ageLimit(), idle(), drained.asMono())
                .takeUntilOther(gone.asMono())
                .flatMapMany(end -> Flux.concat(
                        end == Ending.AGED ? Mono.just(text(connectionLimitFrame())) : Mono.empty(),
                        Mono.defer(() -> session.close(
                                        end == Ending.DRAINED ? CloseStatus.GOING_AWAY : CloseStatus.NORMAL))
                                .then(Mono.empty())));
        Flux<WebSocketMessage> outbound = Flux.merge(frames, pings, ending)
                .onBackpressureBuffer(settings.maxBufferedFrames(), BufferOverflowStrategy.ERROR);
        return session.send(outbound)
                .onErrorResume(error -> {
                    log.debug("WebSocket connection ended: {}", error.toString());
                    return session.close(
                            CloseStatus.POLICY_VIOLATION.withReason("The client does not read its events."));
                })
                .doFinally(signal -> {
                    queued.addAndGet(-waiting.getAndSet(0));
                    context.release();
                    closed.tryEmitEmpty();
                });
    }

    /** Starts no further create; closes with 1001 once the running ones have finished. */
    void drain() {
        draining = true;
        closeIfDrained();
    }

    /** Closes at once with 1001, cancelling whatever still runs. */
    void goAway() {
        session.close(CloseStatus.GOING_AWAY).subscribe();
    }

    /** Completes when the connection has ended. */
    Mono<Void> closed() {
        return closed.asMono();
    }

    private void closeIfDrained() {
        if (draining && inFlight.get() == 0) {
            drained.tryEmitValue(Ending.DRAINED);
        }
    }

    private Admission admit(WebSocketMessage message) {
        lastActivity = System.nanoTime();
        int bytes = message.getPayload().readableByteCount();
        ClientFrame frame = message.getType() == WebSocketMessage.Type.TEXT
                ? ClientFrame.parse(message.getPayload())
                : ClientFrame.refused(
                        null,
                        ApiException.invalidRequest(
                                null, ErrorCodes.INVALID_FRAME, "Only text frames carrying JSON events are accepted."));
        synchronized (lanes) {
            if (frame.streamId() != null && !lanes.contains(frame.lane()) && lanes.size() >= settings.maxLanes()) {
                return new Admission(
                        REFUSED,
                        ClientFrame.refused(
                                frame.streamId(),
                                limit("This connection already has " + settings.maxLanes() + " stream lanes.")),
                        bytes);
            }
            if (inFlight.get() >= settings.maxInFlight()) {
                return new Admission(
                        REFUSED,
                        ClientFrame.refused(
                                frame.streamId(),
                                limit("This connection already has " + settings.maxInFlight()
                                        + " responses in flight.")),
                        bytes);
            }
            lanes.add(frame.lane());
            inFlight.incrementAndGet();
            queued.incrementAndGet();
            waiting.incrementAndGet();
        }
        return new Admission(frame.lane(), frame, bytes);
    }

    /** Runs one admitted frame to its last event; a refused request is one error frame and evicts what it named. */
    private Flux<byte[]> run(Admission admission) {
        queued.decrementAndGet();
        waiting.decrementAndGet();
        ClientFrame frame = admission.frame();
        CreateRequest request = frame.request();
        Flux<byte[]> frames;
        if (request == null) {
            frames = Flux.just(refusal(frame));
        } else if (draining) {
            // a create not started before the drain is left to the client, which sends it again elsewhere
            frames = Flux.empty();
        } else {
            frames = limitedResponse(frame, request, admission.bytes(), System.nanoTime());
        }
        return frames.doFinally(signal -> {
            inFlight.decrementAndGet();
            lastActivity = System.nanoTime();
            closeIfDrained();
        });
    }

    /**
     * The frame's response, its turn started when the lane ran it (the limits' check is overhead; queueing behind the
     * lane's previous response is the client's wait, not overhead), less the frame's decoding.
     */
    private Flux<byte[]> respond(ClientFrame frame, CreateRequest request, long runNanos) {
        return engine.prepare(
                        new TurnOrigin(
                                tenant,
                                Transport.WEBSOCKET,
                                runNanos - frame.decodeNanos(),
                                frame.decodeNanos(),
                                0,
                                showTiming),
                        request,
                        context)
                .flatMapMany(turn -> engine.run(turn, listener))
                .map(event -> ServerFrames.event(event, frame.streamId()))
                .onErrorResume(error -> {
                    forgetPrevious(request);
                    return Mono.just(ServerFrames.error(asApiException(error), frame.streamId()));
                });
    }

    /**
     * The frame's response when the tenant's limits admit it, holding its slot until it ends; else one
     * {@code rate_limit_exceeded} error frame, and the connection stays open.
     */
    private Flux<byte[]> limitedResponse(ClientFrame frame, CreateRequest request, int bytes, long runNanos) {
        if (!limiter.enabled()) {
            return respond(frame, request, runNanos);
        }
        return limiter.admit(tenant, Demand.response(bytes))
                .publishOn(eventLoop) // the limiter answers on Redis' thread
                .flatMapMany(grant -> grant.admitted()
                        ? respond(frame, request, runNanos)
                                .contextWrite(grant::into)
                                .doFinally(signal -> grant.release())
                        : Flux.just(ServerFrames.error(Objects.requireNonNull(grant.refusal()), frame.streamId())));
    }

    private void forgetPrevious(CreateRequest request) {
        String previous = request.previousResponseId();
        if (previous != null) {
            context.forget(previous);
        }
    }

    /** A text frame carrying JSON already encoded as UTF-8: wrapped, not copied nor decoded again. */
    private WebSocketMessage text(byte[] json) {
        return new WebSocketMessage(
                WebSocketMessage.Type.TEXT, session.bufferFactory().wrap(json));
    }

    private byte[] refusal(ClientFrame frame) {
        return ServerFrames.error(
                Objects.requireNonNull(frame.error(), "a refused frame carries its error"), frame.streamId());
    }

    /** When the connection reached its maximum age. */
    private Mono<Ending> ageLimit() {
        return Mono.delay(settings.maxConnectionAge()).thenReturn(Ending.AGED);
    }

    /** When the connection idled: nothing in flight and no frame for the idle timeout. */
    private Mono<Ending> idle() {
        long idleNanos = settings.idleTimeout().toNanos();
        return Flux.interval(settings.idleTimeout().dividedBy(4))
                .filter(tick -> inFlight.get() == 0 && System.nanoTime() - lastActivity > idleNanos)
                .next()
                .thenReturn(Ending.IDLE);
    }

    private byte[] connectionLimitFrame() {
        return ServerFrames.error(
                ApiException.invalidRequest(
                        null,
                        ErrorCodes.WEBSOCKET_CONNECTION_LIMIT_REACHED,
                        "Responses websocket connection limit reached ("
                                + settings.maxConnectionAge().toMinutes()
                                + " minutes). Create a new websocket connection to continue."),
                null);
    }

    private static ApiException limit(String message) {
        return ApiException.invalidRequest("stream_id", ErrorCodes.WEBSOCKET_STREAM_LIMIT_REACHED, message);
    }

    private static ApiException asApiException(Throwable error) {
        if (error instanceof ApiException api) {
            return api;
        }
        log.error("Unexpected failure on a WebSocket turn", error);
        return ApiException.serverError(
                ErrorCodes.SERVER_ERROR, "The server had an error while processing your request.");
    }
}
