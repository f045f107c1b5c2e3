package dev.hotloop.api.stream;

import dev.hotloop.api.config.ApiProperties;
import dev.hotloop.protocol.event.ResponseEvent;
import dev.hotloop.protocol.id.ChainKeys;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.util.function.Tuple2;

/**
 * Runs stored, streamed responses apart from their first client, so that a client that drops can resume: every event
 * goes to its first client at once and, in batches behind it, to the response's {@link EventLog}. A client that
 * leaves stops nothing; the response runs to its terminal event.
 */
@Component
public class ResponseStreams {

    private static final Logger log = LoggerFactory.getLogger(ResponseStreams.class);
    private static final int MAX_BATCH = 256;

    private final EventLog events;
    private final Duration batchWindow;

    public ResponseStreams(EventLog events, ApiProperties properties) {
        this.events = events;
        this.batchWindow = properties.streams().batchWindow();
    }

    /**
     * Subscribes to {@code response} at once, in the caller's Reactor context, and emits its events to one
     * subscriber, the first client; cancelling that subscription leaves the response running and its events logged.
     */
    public Flux<EventFrame> run(ChainKeys keys, Flux<ResponseEvent> response) {
        return Flux.deferContextual(context -> {
            Sinks.Many<EventFrame> client = Sinks.many().unicast().onBackpressureBuffer();
            // the first event is in the log before its client sees it, so a follower given the id finds the response
            Flux<Tuple2<Long, EventFrame>> numbered = response.map(EventFrame::of)
                    .index()
                    .concatMap(event -> event.getT1() == 0
                            ? append(keys, List.of(event.getT2())).thenReturn(event)
                            : Mono.just(event));
            log(
                            keys,
                            numbered
                                    // a client that left makes the emission fail: the log still gets the event
                                    .doOnNext(event -> client.tryEmitNext(event.getT2()))
                                    .doOnComplete(client::tryEmitComplete)
                                    .doOnError(client::tryEmitError)
                                    .filter(event -> event.getT1() > 0)
                                    .map(Tuple2::getT2))
                    .contextWrite(context)
                    // the response outlives the request that started it
                    .subscribe(null, failure -> log.error("Response {} stopped", keys.responseId(), failure));
            return client.asFlux();
        });
    }

    /**
     * Writes {@code frames} to the response's {@link EventLog} in batches, never holding them back: completes once
     * the last batch is written. A batch Redis refuses is logged and skipped; a resumed stream then misses it.
     */
    public Mono<Void> log(ChainKeys keys, Flux<EventFrame> frames) {
        return frames.onBackpressureBuffer()
                .bufferTimeout(MAX_BATCH, batchWindow, true)
                .concatMap(batch -> append(keys, batch))
                .then();
    }

    private Mono<Void> append(ChainKeys keys, List<EventFrame> batch) {
        return events.append(keys, batch).onErrorResume(failure -> {
            log.warn(
                    "Events {}..{} of {} not logged: a resumed stream misses them",
                    batch.getFirst().sequenceNumber(),
                    batch.getLast().sequenceNumber(),
                    keys.responseId(),
                    failure);
            return Mono.empty();
        });
    }
}
