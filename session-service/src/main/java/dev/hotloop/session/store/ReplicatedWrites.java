package dev.hotloop.session.store;

import dev.hotloop.session.SessionProperties;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.reactive.RedisReactiveCommands;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.StringCodec;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceExceptionConverter;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Runs the scripts that write a turn. Without replica acknowledgement ({@code hotloop.session.redis.replica-acks} 0)
 * on the application's shared connection. With it, on a connection of its own to the primary that owns the keys'
 * slot: the script, then {@code WAIT} on that same connection, sent together, because {@code WAIT} counts the
 * replicas that have the writes of the connection it is sent on. A write fewer replicas confirm in time fails with a
 * {@link QueryTimeoutException} (a 503): the primary has it, but a failover could lose it.
 *
 * <p>{@code WAIT} holds its connection until the replicas answer, so acknowledged writes queue behind each other on
 * it: their throughput is about one per replication round trip.
 */
@Component
public class ReplicatedWrites implements DisposableBean {

    private static final LettuceExceptionConverter EXCEPTIONS = new LettuceExceptionConverter();

    private final ReactiveStringRedisTemplate redis;
    private final LettuceConnectionFactory connectionFactory;
    private final int replicas;
    private final Duration timeout;
    /** The own connection, opened on first use off the event loops; a failed attempt is not cached. */
    private final Mono<StatefulConnection<String, String>> connection;

    private volatile @Nullable StatefulConnection<String, String> opened;

    public ReplicatedWrites(
            ReactiveStringRedisTemplate redis,
            LettuceConnectionFactory connectionFactory,
            SessionProperties properties) {
        this.redis = redis;
        this.connectionFactory = connectionFactory;
        this.replicas = properties.redis().replicaAcks();
        this.timeout = properties.redis().replicaAckTimeout();
        this.connection = Mono.fromCallable(this::connect)
                .subscribeOn(Schedulers.boundedElastic())
                .cache(open -> Duration.ofMillis(Long.MAX_VALUE), failed -> Duration.ZERO, () -> Duration.ZERO);
    }

    /** Runs a script that returns an integer; emits its reply once the configured number of replicas have its writes. */
    public Mono<Long> execute(RedisScript<Long> script, List<String> keys, List<String> args) {
        if (replicas == 0) {
            return redis.execute(script, keys, args).single();
        }
        return connection
                .flatMap(open -> primaryFor(open, keys.getFirst()))
                .flatMap(primary -> run(primary, script, keys, args))
                // a slot that moved (MOVED, a failed-over primary) fails this write; the next one sees the new layout
                .doOnError(failure -> refreshTopology())
                .onErrorMap(
                        RedisException.class,
                        failure ->
                                Objects.requireNonNullElse(EXCEPTIONS.translateExceptionIfPossible(failure), failure));
    }

    @Override
    public void destroy() {
        StatefulConnection<String, String> current = opened;
        if (current != null) {
            current.close();
        }
    }

    private StatefulConnection<String, String> connect() {
        AbstractRedisClient client = connectionFactory.getRequiredNativeClient();
        // the client Spring configured: standalone, Sentinel (it follows the primary) or Cluster
        StatefulConnection<String, String> open = client instanceof RedisClusterClient cluster
                ? cluster.connect(StringCodec.UTF8)
                : ((RedisClient) client).connect(StringCodec.UTF8);
        opened = open;
        return open;
    }

    /** The connection to the primary of the key's slot; in a cluster, the very one its writes go through. */
    @SuppressWarnings("unchecked")
    private Mono<StatefulRedisConnection<String, String>> primaryFor(
            StatefulConnection<String, String> open, String key) {
        if (!(open instanceof StatefulRedisClusterConnection<String, String> cluster)) {
            return Mono.just((StatefulRedisConnection<String, String>) open);
        }
        RedisClusterNode primary = cluster.getPartitions().getMasterBySlot(SlotHash.getSlot(key));
        if (primary == null) {
            return Mono.error(new DataAccessResourceFailureException("No primary serves the slot of " + key));
        }
        return Mono.fromCompletionStage(() -> cluster.getConnectionAsync(
                primary.getUri().getHost(), primary.getUri().getPort()));
    }

    /**
     * The script and {@code WAIT} sent together, one round trip: Redis runs a connection's commands in order, so the
     * {@code WAIT} counts the replicas that have the script's writes. A script Redis does not know yet fails alone
     * ({@code NOSCRIPT}, nothing written); it is then sent whole, and waited for after.
     */
    private Mono<Long> run(
            StatefulRedisConnection<String, String> primary,
            RedisScript<Long> script,
            List<String> keys,
            List<String> args) {
        String[] keyArray = keys.toArray(String[]::new);
        String[] argArray = args.toArray(String[]::new);
        RedisReactiveCommands<String, String> commands = primary.reactive();
        return Mono.zip(
                        commands.<Long>evalsha(script.getSha1(), ScriptOutputType.INTEGER, keyArray, argArray)
                                .single(),
                        commands.waitForReplication(replicas, timeout.toMillis()))
                .flatMap(replied -> confirmed(replied.getT2()).thenReturn(replied.getT1()))
                .onErrorResume(
                        RedisNoScriptException.class,
                        notLoaded -> commands.<Long>eval(
                                        script.getScriptAsString(), ScriptOutputType.INTEGER, keyArray, argArray)
                                .single()
                                .flatMap(reply -> commands.waitForReplication(replicas, timeout.toMillis())
                                        .flatMap(this::confirmed)
                                        .thenReturn(reply)));
    }

    private Mono<Void> confirmed(long acknowledged) {
        return acknowledged >= replicas
                ? Mono.empty()
                : Mono.error(new QueryTimeoutException("Stored on the primary, but only " + acknowledged + " of "
                        + replicas + " replicas confirmed it within " + timeout));
    }

    private void refreshTopology() {
        if (opened instanceof StatefulRedisClusterConnection<?, ?>
                && connectionFactory.getRequiredNativeClient() instanceof RedisClusterClient cluster) {
            cluster.refreshPartitionsAsync();
        }
    }
}
