package dev.hotloop.api.stream;

import dev.hotloop.api.config.ApiProperties;
import dev.hotloop.api.redis.LuaScripts;
import dev.hotloop.protocol.error.ApiException;
import dev.hotloop.protocol.error.ErrorCodes;
import dev.hotloop.protocol.id.ChainKeys;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.Limit;
import org.springframework.data.redis.connection.ReactiveRedisConnection;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.connection.stream.ByteBufferRecord;
import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.data.redis.connection.stream.ReadOffset;
import org.springframework.data.redis.connection.stream.RecordId;
import org.springframework.data.redis.connection.stream.StreamOffset;
import org.springframework.data.redis.connection.stream.StreamReadOptions;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.data.redis.serializer.RedisSerializer;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The events of stored, streamed responses in Redis Streams ({@link ChainKeys#events()}): entry {@code n+1-0} holds
 * the event with {@code sequence_number} n, so a replay starting after n reads from entry {@code n+2-0}, on any
 * replica. Appends are batched, one script call per batch; a follower reads on a connection of its own, since its
 * reads block.
 */
@Component
public class EventLog {

    private static final RedisScript<Long> APPEND = LuaScripts.read("stream/append-events.lua", Long.class);
    private static final String TYPE = "t";
    private static final String DATA = "d";
    private static final String END = "end";
    private static final int PAGE = 256;

    private final ReactiveStringRedisTemplate redis;
    private final ReactiveRedisConnectionFactory connections;
    private final ApiProperties.Streams settings;
    private final String ttlMillis;
    private final String maxEvents;
    private final long idleTimeoutNanos;
    private final Counter replays;

    public EventLog(
            ReactiveStringRedisTemplate redis,
            ReactiveRedisConnectionFactory connections,
            ApiProperties properties,
            MeterRegistry meters) {
        this.replays = Counter.builder("hotloop.streams.replays")
                .description("Streams replayed or followed by GET /v1/responses/{id}?stream=true")
                .register(meters);
        this.redis = redis;
        this.connections = connections;
        this.settings = properties.streams();
        this.ttlMillis = Long.toString(settings.ttl().toMillis());
        this.maxEvents = Integer.toString(settings.maxEvents());
        this.idleTimeoutNanos = settings.idleTimeout().toNanos();
    }

    /** Appends consecutive events of one response, in one Redis call, and refreshes the stream's TTL. */
    public Mono<Void> append(ChainKeys keys, List<EventFrame> frames) {
        List<String> args = new ArrayList<>(2 + 4 * frames.size());
        args.add(ttlMillis);
        args.add(maxEvents);
        for (EventFrame frame : frames) {
            args.add(entryId(frame.sequenceNumber()));
            args.add(frame.type());
            args.add(frame.data());
            args.add(frame.terminal() ? "1" : "0");
        }
        return redis.execute(APPEND, List.of(keys.events()), args).then();
    }

    /**
     * The events after sequence number {@code after} (-1 for all), those written and then the live ones, up to the
     * terminal event; empty when the response has no events (none streamed, expired, or another tenant's). Fails with
     * a 400 when {@code after} is older than the oldest event kept. The stream fails when no event came for
     * {@code idle-timeout}.
     */
    public Mono<Flux<EventFrame>> replay(ChainKeys keys, int after) {
        replays.increment();
        Range<String> fromNext = Range.rightUnbounded(Range.Bound.inclusive(entryId(after + 1)));
        return redis.<String, String>opsForStream()
                .range(keys.events(), fromNext, Limit.limit().count(PAGE))
                .map(EventLog::frame)
                .collectList()
                .flatMap(page -> {
                    if (!page.isEmpty() && page.getFirst().sequenceNumber() != after + 1) {
                        return Mono.error(ApiException.invalidRequest(
                                "starting_after",
                                ErrorCodes.INVALID_VALUE,
                                "Events up to sequence number "
                                        + (page.getFirst().sequenceNumber() - 1)
                                        + " are no longer kept; resume from a later one."));
                    }
                    if (page.isEmpty()) {
                        // nothing after `after` yet: follow, unless the response has already ended
                        return lastFrame(keys)
                                .map(last -> last.terminal() ? Flux.<EventFrame>empty() : follow(keys, after));
                    }
                    EventFrame last = page.getLast();
                    Flux<EventFrame> written = Flux.fromIterable(page).filter(EventFrame::visible);
                    return Mono.just(
                            last.terminal() ? written : written.concatWith(follow(keys, last.sequenceNumber())));
                });
    }

    /** The sequence number of the last event written, or -1 when there is none. */
    public Mono<Integer> lastSequenceNumber(ChainKeys keys) {
        return lastFrame(keys).map(EventFrame::sequenceNumber).defaultIfEmpty(-1);
    }

    private Mono<EventFrame> lastFrame(ChainKeys keys) {
        return redis.<String, String>opsForStream()
                .reverseRange(keys.events(), Range.unbounded(), Limit.limit().count(1))
                .next()
                .map(EventLog::frame);
    }

    /** Removes a response's events (with the response). */
    public Mono<Void> delete(ChainKeys keys) {
        return redis.delete(keys.events()).then();
    }

    /**
     * The events after sequence number {@code after}, as they are written, up to the terminal event; waits for the
     * stream to appear when it does not exist yet (a queued background response). Fails with a {@code server_error}
     * when no event came for {@code idle-timeout}: the replica running the response is gone or stuck.
     */
    public Flux<EventFrame> follow(ChainKeys keys, int after) {
        ByteBuffer key = ByteBuffer.wrap(keys.events().getBytes(StandardCharsets.UTF_8));
        return Flux.usingWhen(
                // the first use may connect, which Spring Data does synchronously
                Mono.fromSupplier(connections::getReactiveConnection).subscribeOn(Schedulers.boundedElastic()),
                connection -> read(connection, key, new Position(after, System.nanoTime()))
                        .expand(page -> page.ended() ? Mono.empty() : read(connection, key, page.position()))
                        .concatMapIterable(Page::frames)
                        .filter(EventFrame::visible),
                ReactiveRedisConnection::closeLater);
    }

    private Mono<Page> read(ReactiveRedisConnection connection, ByteBuffer key, Position position) {
        StreamReadOptions blocking = StreamReadOptions.empty().count(PAGE).block(settings.followPoll());
        return connection
                .streamCommands()
                .xRead(blocking, StreamOffset.create(key.duplicate(), ReadOffset.from(entryId(position.after()))))
                .map(EventLog::frame)
                .collectList()
                .handle((frames, sink) -> {
                    if (frames.isEmpty() && System.nanoTime() - position.idleSinceNanos() > idleTimeoutNanos) {
                        sink.error(ApiException.serverError(
                                ErrorCodes.SERVER_ERROR,
                                "No event of this response for "
                                        + settings.idleTimeout().toSeconds()
                                        + " s: the replica running it is gone or stuck."));
                    } else {
                        sink.next(Page.of(frames, position));
                    }
                });
    }

    /** Where a follower is: after which sequence number, and since when it has waited for the next event. */
    private record Position(int after, long idleSinceNanos) {}

    private record Page(List<EventFrame> frames, Position position, boolean ended) {

        static Page of(List<EventFrame> frames, Position previous) {
            if (frames.isEmpty()) {
                return new Page(frames, previous, false);
            }
            for (int i = 0; i < frames.size(); i++) {
                if (frames.get(i).terminal()) {
                    return new Page(frames.subList(0, i + 1), previous, true);
                }
            }
            return new Page(frames, new Position(frames.getLast().sequenceNumber(), System.nanoTime()), false);
        }
    }

    private static EventFrame frame(MapRecord<String, String, String> entry) {
        Map<String, String> fields = entry.getValue();
        return new EventFrame(
                sequenceNumber(entry.getId()),
                fields.getOrDefault(TYPE, ""),
                fields.getOrDefault(DATA, ""),
                fields.containsKey(END));
    }

    private static EventFrame frame(ByteBufferRecord entry) {
        RedisSerializer<String> string = RedisSerializer.string();
        return frame(entry.deserialize(string, string, string));
    }

    private static String entryId(int sequenceNumber) {
        return (sequenceNumber + 1L) + "-0";
    }

    private static int sequenceNumber(RecordId id) {
        String value = id.getValue();
        return Math.toIntExact(Long.parseLong(value, 0, value.indexOf('-'), 10) - 1);
    }
}
