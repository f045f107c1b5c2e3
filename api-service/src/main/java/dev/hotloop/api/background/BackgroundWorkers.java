package dev.hotloop.api.background;

import dev.hotloop.api.config.ApiProperties;
import dev.hotloop.api.context.StoredConversations;
import dev.hotloop.api.loop.TurnEngine;
import dev.hotloop.api.loop.TurnListener;
import dev.hotloop.api.loop.TurnOrigin;
import dev.hotloop.api.stream.EventFrame;
import dev.hotloop.api.stream.EventLog;
import dev.hotloop.api.stream.ResponseStreams;
import dev.hotloop.protocol.error.ApiException;
import dev.hotloop.protocol.error.ErrorCodes;
import dev.hotloop.protocol.event.ResponseEvent;
import dev.hotloop.protocol.id.ChainKeys;
import dev.hotloop.protocol.json.ProtocolJson;
import dev.hotloop.protocol.request.CreateRequestReader;
import dev.hotloop.protocol.response.Response;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * This replica's background workers: every {@code poll-interval} they renew the leases of the responses they run
 * (learning which were cancelled, or are no longer theirs, and stopping those), fail one response whose replica's
 * lease expired, and claim queued responses while a worker is free. A response runs as a streamed one would, its
 * events in its {@link EventLog}, and its final state goes back to the queue's record of it.
 */
@Component
public class BackgroundWorkers implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(BackgroundWorkers.class);

    private final BackgroundQueue queue;
    private final TurnEngine engine;
    private final StoredConversations conversations;
    private final ResponseStreams streams;
    private final EventLog events;
    private final ApiProperties.Background settings;
    private final String owner = UUID.randomUUID().toString();
    private final Map<String, Sinks.Empty<Void>> running = new ConcurrentHashMap<>();
    private final AtomicLong queueLength = new AtomicLong();
    private final Counter takeOvers;
    private final Counter cancels;
    private volatile @Nullable Disposable polling;

    public BackgroundWorkers(
            BackgroundQueue queue,
            TurnEngine engine,
            StoredConversations conversations,
            ResponseStreams streams,
            EventLog events,
            ApiProperties properties,
            MeterRegistry meters) {
        this.queue = queue;
        this.engine = engine;
        this.conversations = conversations;
        this.streams = streams;
        this.events = events;
        this.settings = properties.background();
        Gauge.builder("hotloop.background.queue.depth", queueLength, AtomicLong::get)
                .description("Background responses waiting for a worker, all replicas, as this replica last saw it")
                .register(meters);
        Gauge.builder("hotloop.background.running", running, Map::size)
                .description("Background responses this replica runs")
                .register(meters);
        this.takeOvers = Counter.builder("hotloop.background.takeovers")
                .description("Background responses whose replica's lease expired, failed by this replica")
                .register(meters);
        this.cancels = Counter.builder("hotloop.background.cancels")
                .description("Running background responses this replica stopped for a cancel")
                .register(meters);
    }

    @Override
    public void start() {
        polling = Flux.interval(settings.pollInterval())
                .onBackpressureDrop()
                .concatMap(tick -> tick().onErrorResume(failure -> {
                    log.warn("Background queue unreachable: {}", failure.toString());
                    return Mono.empty();
                }))
                .subscribe();
    }

    @Override
    public void stop() {
        Disposable current = polling;
        polling = null;
        if (current != null) {
            current.dispose();
        }
    }

    @Override
    public boolean isRunning() {
        return polling != null;
    }

    /** Background responses running here now. */
    int running() {
        return running.size();
    }

    private Mono<Void> tick() {
        List<String> mine = List.copyOf(running.keySet());
        Mono<Void> renewed = mine.isEmpty()
                ? Mono.empty()
                : queue.renew(owner, mine)
                        .doOnNext(stop -> stop.forEach(this::stop))
                        .then();
        return renewed.then(Mono.defer(this::claimWhileFree));
    }

    /** Fails the responses of dead replicas, one a call, then claims queued ones while a worker is free. */
    private Mono<Void> claimWhileFree() {
        return queue.claim(owner, running.size() < settings.workers()).flatMap(claim -> {
            queueLength.set(claim.queueLength());
            return switch (claim) {
                case BackgroundQueue.Claim.Run run -> {
                    run(run);
                    yield claimWhileFree();
                }
                case BackgroundQueue.Claim.TakeOver takeOver ->
                    failTakenOver(takeOver).then(claimWhileFree());
                case BackgroundQueue.Claim.Nothing nothing -> Mono.<Void>empty();
            };
        });
    }

    /** Stops a running response at once (model stream and hosted tool); {@link #run} then ends it cancelled. */
    private void stop(String ref) {
        Sinks.Empty<Void> cancel = running.get(ref);
        if (cancel != null) {
            cancel.tryEmitEmpty();
        }
    }

    private void run(BackgroundQueue.Claim.Run claim) {
        ChainKeys keys = ChainKeys.ofRef(claim.ref()).orElseThrow();
        Sinks.Empty<Void> cancel = Sinks.empty();
        running.put(claim.ref(), cancel);
        AtomicReference<Response> latest = new AtomicReference<>();
        AtomicReference<EventFrame> last = new AtomicReference<>();
        Flux<EventFrame> frames = Mono.fromSupplier(
                        () -> CreateRequestReader.read(claim.body().getBytes(StandardCharsets.UTF_8)))
                .flatMap(request -> engine.prepare(
                        TurnOrigin.now(keys.tenant(), TurnOrigin.Transport.BACKGROUND),
                        request,
                        conversations,
                        keys.responseId()))
                .flatMapMany(turn -> engine.run(turn, TurnListener.NONE))
                // a cancel stops the model stream and the hosted tool, and ends the events here
                .takeUntilOther(cancel.asMono())
                .doOnNext(event -> {
                    if (event instanceof ResponseEvent.Lifecycle lifecycle) {
                        latest.set(lifecycle.response());
                    }
                })
                .map(EventFrame::of)
                .doOnNext(last::set);
        streams.log(keys, frames)
                .then(Mono.defer(() -> ended(claim, keys, latest.get(), last.get())))
                .onErrorResume(failure -> failed(claim, keys, failure))
                .doFinally(signal -> running.remove(claim.ref()))
                // the response outlives the poll that claimed it; a cancel or a lost lease stops it
                .subscribe(null, failure -> log.error("Background response {} stopped", keys.responseId(), failure));
    }

    /** Records how a response ended: its terminal event's response, or cancelled when it had none. */
    private Mono<Void> ended(
            BackgroundQueue.Claim.Run claim, ChainKeys keys, @Nullable Response latest, @Nullable EventFrame last) {
        if (latest != null && last != null && last.terminal()) {
            return finish(claim.ref(), latest.status(), json(latest));
        }
        String cancelled = latest != null
                ? json(latest.finish(Response.CANCELLED, latest.output(), null, null, null, 0))
                : BackgroundResponses.withStatus(claim.response(), Response.CANCELLED, null);
        // a response stopped because another replica failed it (its lease had expired) is that replica's to end
        return queue.finish(claim.ref(), owner, Response.CANCELLED, cancelled)
                .filter(Boolean::booleanValue)
                .flatMap(mine -> {
                    cancels.increment();
                    return events.append(keys, List.of(EventFrame.end(last == null ? 0 : last.sequenceNumber() + 1)));
                });
    }

    /** A response that could not start (its previous response is gone, say) fails with the reason. */
    private Mono<Void> failed(BackgroundQueue.Claim.Run claim, ChainKeys keys, Throwable failure) {
        ApiException cause = failure instanceof ApiException api
                ? api
                : ApiException.serverError(ErrorCodes.SERVER_ERROR, "The model failed to generate a response.");
        if (!(failure instanceof ApiException)) {
            log.warn("Background response {} failed", keys.responseId(), failure);
        }
        return failWith(claim.ref(), keys, claim.response(), cause.error().message());
    }

    /** Ends a response whose replica's lease expired as failed: a response.failed event, then its state. */
    private Mono<Void> failTakenOver(BackgroundQueue.Claim.TakeOver takeOver) {
        ChainKeys keys = ChainKeys.ofRef(takeOver.ref()).orElseThrow();
        takeOvers.increment();
        log.warn("Background response {} lost its replica; failing it", keys.responseId());
        return failWith(
                takeOver.ref(),
                keys,
                takeOver.response(),
                "The replica running this response stopped before it finished; create it again.");
    }

    private Mono<Void> failWith(String ref, ChainKeys keys, String response, String message) {
        Response.ResponseError error = new Response.ResponseError(ErrorCodes.SERVER_ERROR, message);
        String failed = BackgroundResponses.withStatus(response, Response.FAILED, error);
        return events.lastSequenceNumber(keys)
                .flatMap(lastSequence -> events.append(
                        keys,
                        List.of(new EventFrame(
                                lastSequence + 1,
                                "response.failed",
                                BackgroundResponses.failedEvent(lastSequence + 1, failed),
                                true))))
                .then(finish(ref, Response.FAILED, failed));
    }

    private Mono<Void> finish(String ref, String status, String response) {
        return queue.finish(ref, owner, status, response).then();
    }

    private static String json(Response response) {
        return ProtocolJson.mapper().writeValueAsString(response);
    }

    /** Stops before the web server, so no response is claimed while the replica drains. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE;
    }
}
