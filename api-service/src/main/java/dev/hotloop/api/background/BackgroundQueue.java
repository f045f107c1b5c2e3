package dev.hotloop.api.background;

import dev.hotloop.api.config.ApiProperties;
import dev.hotloop.api.redis.LuaScripts;
import java.util.ArrayList;
import java.util.List;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The queue of background responses in Redis, shared by every replica: each operation is one {@code background.lua}
 * call, atomic, on keys that share the {@code {bg}} hash tag. A job is named by its ref, {@code <tenant>:<id>}.
 *
 * <pre>
 * hl:{bg}:queue        LIST  refs waiting, oldest first
 * hl:{bg}:queued       HASH  tenant -&gt; its refs waiting
 * hl:{bg}:leases       ZSET  ref -&gt; lease deadline (ms) of every claimed job
 * hl:{bg}:job:&lt;ref&gt;   HASH  tenant, body (the create request), response (its latest JSON), status, owner, cancel
 * </pre>
 */
@Component
public class BackgroundQueue {

    @SuppressWarnings("rawtypes")
    private static final RedisScript<List> SCRIPT = LuaScripts.read("background/background.lua", List.class);

    private static final RedisScript<String> ENQUEUE = LuaScripts.read("background/background.lua", String.class);
    private static final RedisScript<Long> FINISH = LuaScripts.read("background/background.lua", Long.class);
    private static final List<String> KEYS =
            List.of("hl:{bg}:queue", "hl:{bg}:queued", "hl:{bg}:leases", "hl:{bg}:job:");

    private final ReactiveStringRedisTemplate redis;
    private final ApiProperties.Background settings;

    public BackgroundQueue(ReactiveStringRedisTemplate redis, ApiProperties properties) {
        this.redis = redis;
        this.settings = properties.background();
    }

    /** What a worker claimed: a queued job to run, or one whose owner's lease expired, to fail. */
    public sealed interface Claim {

        /** The queue's length after the claim. */
        long queueLength();

        record Run(String ref, String body, String response, long queueLength) implements Claim {}

        record TakeOver(String ref, String response, long queueLength) implements Claim {}

        record Nothing(long queueLength) implements Claim {}
    }

    /** A job's status and latest response JSON. */
    public record State(String status, String response) {}

    /** Queues a job; emits the limit that refused it ({@code queue} or {@code tenant}), or empty when queued. */
    public Mono<String> enqueue(String tenant, String ref, String body, String response) {
        return redis.execute(
                        ENQUEUE,
                        KEYS,
                        List.of(
                                "enqueue",
                                ref,
                                tenant,
                                body,
                                response,
                                Integer.toString(settings.maxQueued()),
                                Integer.toString(settings.maxQueuedPerTenant()),
                                Long.toString(settings.retention().toMillis())))
                .next()
                .filter(refused -> !refused.isEmpty());
    }

    /**
     * Claims, for {@code owner}, the oldest expired lease if any, else (when {@code mayRun}) the oldest queued job.
     */
    public Mono<Claim> claim(String owner, boolean mayRun) {
        return run(List.of("claim", owner, Long.toString(settings.leaseTime().toMillis()), mayRun ? "1" : "0"))
                .map(reply -> {
                    String kind = (String) reply.getFirst();
                    long length = (Long) reply.getLast();
                    return switch (kind) {
                        case "run" ->
                            new Claim.Run((String) reply.get(1), (String) reply.get(2), (String) reply.get(3), length);
                        case "takeover" -> new Claim.TakeOver((String) reply.get(1), (String) reply.get(2), length);
                        default -> new Claim.Nothing(length);
                    };
                });
    }

    /** Renews {@code owner}'s leases on {@code refs}; emits those it must stop (cancelled, or no longer its own). */
    public Mono<List<String>> renew(String owner, List<String> refs) {
        List<String> args = new ArrayList<>(refs.size() + 3);
        args.add("renew");
        args.add(owner);
        args.add(Long.toString(settings.leaseTime().toMillis()));
        args.addAll(refs);
        return run(args).map(reply -> reply.stream().map(String.class::cast).toList());
    }

    /** Ends {@code owner}'s job with its final status and response; emits false when the job was no longer its own. */
    public Mono<Boolean> finish(String ref, String owner, String status, String response) {
        return redis.execute(FINISH, KEYS, List.of("finish", ref, owner, status, response))
                .next()
                .map(done -> done == 1);
    }

    /**
     * Cancels a job: a queued one ends at once with {@code cancelledResponse}, a running one is flagged for its owner
     * (its state stays {@code in_progress} until the owner stops it), a finished one is left as it is. Emits the
     * job's state after the cancel, or empty when there is no such job.
     */
    public Mono<State> cancel(String ref, String cancelledResponse) {
        return run(List.of("cancel", ref, cancelledResponse)).flatMap(BackgroundQueue::state);
    }

    /** A job's state, or empty when there is none (never a background response, or past its retention). */
    public Mono<State> state(String ref) {
        return run(List.of("get", ref)).flatMap(BackgroundQueue::state);
    }

    private static Mono<State> state(List<?> reply) {
        return reply.size() < 2 ? Mono.empty() : Mono.just(new State((String) reply.get(0), (String) reply.get(1)));
    }

    private Mono<List<?>> run(List<String> args) {
        return redis.execute(SCRIPT, KEYS, args).next().map(reply -> (List<?>) reply);
    }
}
