package dev.hotloop.testsupport;

import static org.awaitility.Awaitility.await;

import dev.hotloop.localredis.LocalRedis;
import dev.hotloop.localredis.RespClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A primary, its replica and three Sentinels watching them as {@value #MASTER}, all real {@code redis-server}
 * processes on loopback, nothing persisted. For one test class; {@link #close()} stops them all.
 */
public final class TestRedisSentinel implements AutoCloseable {

    /** The name the Sentinels know the primary by ({@code spring.data.redis.sentinel.master}). */
    public static final String MASTER = "hotloop";

    private static final int SENTINELS = 3;
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

    private final List<LocalRedis> servers;
    private final List<LocalRedis> sentinels;

    private TestRedisSentinel(List<LocalRedis> servers, List<LocalRedis> sentinels) {
        this.servers = servers;
        this.sentinels = sentinels;
    }

    /** Starts them and returns once every Sentinel knows the primary, its replica and the other Sentinels. */
    public static TestRedisSentinel start() {
        List<LocalRedis> servers = new ArrayList<>();
        List<LocalRedis> sentinels = new ArrayList<>();
        try {
            // a replica writes the snapshot it syncs from into its directory
            List<String> ephemeral = List.of(
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--dir",
                    Files.createTempDirectory("hotloop-sentinel-").toString());
            LocalRedis primary = LocalRedis.startServer(ephemeral);
            servers.add(primary);
            List<String> replica = new ArrayList<>(ephemeral);
            replica.addAll(List.of("--replicaof", primary.host(), Integer.toString(primary.port())));
            servers.add(LocalRedis.startServer(replica));
            for (int sentinel = 0; sentinel < SENTINELS; sentinel++) {
                sentinels.add(
                        LocalRedis.startServer(List.of(sentinelConfig(primary).toString(), "--sentinel")));
            }
            TestRedisSentinel topology = new TestRedisSentinel(servers, sentinels);
            await().atMost(READY_TIMEOUT).until(() -> topology.sentinelsAgreeOn(primary, 1));
            return topology;
        } catch (IOException e) {
            servers.forEach(LocalRedis::close);
            throw new UncheckedIOException("Could not create a directory for the Sentinel topology", e);
        } catch (RuntimeException e) {
            sentinels.forEach(LocalRedis::close);
            servers.forEach(LocalRedis::close);
            throw e;
        }
    }

    /** {@code host:port} of every Sentinel, as {@code spring.data.redis.sentinel.nodes} takes them. */
    public String sentinelNodes() {
        return String.join(
                ",",
                sentinels.stream()
                        .map(sentinel -> sentinel.host() + ":" + sentinel.port())
                        .toList());
    }

    /**
     * Starts a failover with {@code SENTINEL FAILOVER} and returns at once, while it runs: the Sentinels promote the
     * replica without waiting for the primary, then turn the old primary into its replica. Writes the old primary
     * acknowledged but had not yet replicated are lost.
     */
    public void startFailover() {
        String reply = call(sentinels.getFirst(), "SENTINEL", "FAILOVER", MASTER);
        if (!reply.equals("+OK")) {
            throw new IllegalStateException("SENTINEL FAILOVER: " + reply);
        }
    }

    /** Waits until every Sentinel names the former replica as primary and it has a replica again. */
    public void awaitFailedOver() {
        LocalRedis promoted = servers.get(1);
        await().atMost(READY_TIMEOUT).until(() -> sentinelsAgreeOn(promoted, 1));
    }

    @Override
    public void close() {
        sentinels.forEach(LocalRedis::close);
        servers.forEach(LocalRedis::close);
    }

    private boolean sentinelsAgreeOn(LocalRedis primary, int replicas) {
        String expected = "name=" + MASTER + ",status=ok,address=" + primary.host() + ":" + primary.port() + ",slaves="
                + replicas + ",sentinels=" + SENTINELS;
        return sentinels.stream()
                        .allMatch(sentinel -> call(sentinel, "INFO", "sentinel").contains(expected))
                && call(primary, "INFO", "replication").contains("connected_slaves:" + replicas);
    }

    /** A config file of its own for each Sentinel, which rewrites it as it learns the topology. */
    private static Path sentinelConfig(LocalRedis primary) {
        try {
            Path config = Files.createTempFile("hotloop-sentinel-", ".conf");
            Files.writeString(
                    config,
                    String.join(
                            "\n",
                            "sentinel monitor " + MASTER + " " + primary.host() + " " + primary.port() + " 2",
                            "sentinel down-after-milliseconds " + MASTER + " 1000",
                            "sentinel failover-timeout " + MASTER + " 5000",
                            ""));
            return config;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write a Sentinel config file", e);
        }
    }

    private static String call(LocalRedis server, String... command) {
        return String.valueOf(
                RespClient.of(server.host(), server.port(), CALL_TIMEOUT).call(command));
    }
}
