package dev.hotloop.session.store;

import dev.hotloop.protocol.id.ChainKeys;
import dev.hotloop.session.SessionProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Mono;

/**
 * Response chains in Redis. Every operation is one Lua script, so one round trip (EVALSHA), whatever the length
 * of the chain; see {@link ChainKeys} for the layout. A malformed tenant or id owns nothing: reads are empty.
 */
@Repository
public class ResponseRepository {

    private static final RedisScript<Long> STORE_TURN = script("store-turn.lua", Long.class);
    private static final RedisScript<List<String>> RESPONSE = listScript("response.lua");
    private static final RedisScript<List<String>> RESPONSE_CONTEXT = listScript("response-context.lua");
    private static final RedisScript<Long> DELETE_RESPONSE = script("delete-response.lua", Long.class);

    private static final long EXISTS = -1;
    private static final long PREVIOUS_ABSENT = -2;
    private static final int STORE_FIXED_ARGS = 5;

    private final ReactiveStringRedisTemplate redis;
    private final SharedRedisConnection connection;
    private final ReplicatedWrites writes;
    private final RecordCodec codec;
    private final String ttlMillis;

    public ResponseRepository(
            ReactiveStringRedisTemplate redis,
            SharedRedisConnection connection,
            ReplicatedWrites writes,
            RecordCodec codec,
            SessionProperties properties) {
        this.redis = redis;
        this.connection = connection;
        this.writes = writes;
        this.codec = codec;
        this.ttlMillis = Long.toString(properties.ttl().toMillis());
    }

    /**
     * Stores a turn atomically, writing only its new items, and emits once as many replicas as configured have it
     * ({@link ReplicatedWrites}). Emits an {@link IllegalArgumentException} when the tenant or an id is malformed or
     * the id is not of the parent's chain (callers validate first).
     */
    public Mono<StoreResult> store(String tenant, EncodedTurn turn) {
        ChainKeys keys = ChainKeys.of(tenant, turn.id()).orElse(null);
        ChainKeys parent = turn.previousId() == null
                ? null
                : ChainKeys.of(tenant, turn.previousId()).orElse(null);
        if (keys == null
                || (turn.previousId() != null
                        && (parent == null || !parent.chainTag().equals(keys.chainTag())))) {
            return Mono.error(new IllegalArgumentException(
                    "Cannot store " + turn.id() + " after " + turn.previousId() + " for tenant " + tenant));
        }
        List<String> scriptKeys = new ArrayList<>(List.of(keys.record(), keys.items(), keys.meta()));
        if (parent != null) {
            scriptKeys.add(parent.record());
        }
        List<String> args = new ArrayList<>(
                STORE_FIXED_ARGS + turn.input().size() + turn.output().size());
        args.add(turn.response());
        args.add(ttlMillis);
        args.add(Integer.toString(turn.output().size()));
        args.add(keys.ref());
        args.add(parent == null ? "" : parent.ref());
        args.addAll(turn.input());
        args.addAll(turn.output());
        return connection
                .call(() -> writes.execute(STORE_TURN, scriptKeys, args))
                .map(ResponseRepository::storeResult);
    }

    /** The response JSON with its output, or empty when absent; refreshes the chain's TTL. */
    public Mono<String> findResponse(String tenant, String responseId) {
        return Mono.justOrEmpty(ChainKeys.of(tenant, responseId))
                .flatMap(keys -> connection.call(() -> redis.execute(RESPONSE, keys.readKeys(), List.of(ttlMillis))
                        .single()))
                .filter(reply -> !reply.isEmpty())
                .map(reply -> codec.withOutput(reply.getFirst(), reply.subList(1, reply.size())));
    }

    /** The response with its whole context, or empty when absent; refreshes the chain's TTL. */
    public Mono<ResponseContext> findContext(String tenant, String responseId) {
        return Mono.justOrEmpty(ChainKeys.of(tenant, responseId))
                .flatMap(keys ->
                        connection.call(() -> redis.execute(RESPONSE_CONTEXT, keys.readKeys(), List.of(ttlMillis))
                                .single()))
                .filter(reply -> !reply.isEmpty())
                .map(this::context);
    }

    /**
     * Deletes a response and publishes its {@code <tenant>:<id>} on {@link ChainKeys#INVALIDATIONS}; emits whether it existed.
     * Its children keep their whole context.
     */
    public Mono<Boolean> delete(String tenant, String responseId) {
        return Mono.justOrEmpty(ChainKeys.of(tenant, responseId))
                .flatMap(keys -> connection.call(() -> redis.execute(
                                DELETE_RESPONSE,
                                keys.readKeys(),
                                List.of(keys.ref(), ttlMillis, ChainKeys.INVALIDATIONS))
                        .single()))
                .map(deleted -> deleted == 1)
                .defaultIfEmpty(false);
    }

    private ResponseContext context(List<String> reply) {
        // reply: response without output, depth, output count, then the context items
        int depth = Integer.parseInt(reply.get(1));
        int outputs = Integer.parseInt(reply.get(2));
        List<String> items = reply.subList(3, reply.size());
        String response = codec.withOutput(reply.getFirst(), items.subList(items.size() - outputs, items.size()));
        return new ResponseContext(response, items, items.size() - outputs, depth);
    }

    private static StoreResult storeResult(long code) {
        if (code == EXISTS) {
            return new StoreResult.AlreadyExists();
        }
        if (code == PREVIOUS_ABSENT) {
            return new StoreResult.PreviousNotFound();
        }
        return new StoreResult.Stored(Math.toIntExact(code));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static RedisScript<List<String>> listScript(String name) {
        // Lua tables come back as lists; every element these scripts return is a string
        return (RedisScript) script(name, List.class);
    }

    static <T> RedisScript<T> script(String name, Class<T> resultType) {
        try {
            // read once: a resource-backed script would check the file on every execution
            String source =
                    new ClassPathResource(name, ResponseRepository.class).getContentAsString(StandardCharsets.UTF_8);
            return RedisScript.of(source, resultType);
        } catch (IOException e) {
            throw new UncheckedIOException("Missing Lua script " + name, e);
        }
    }
}
