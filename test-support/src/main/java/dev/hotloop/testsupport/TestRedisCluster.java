package dev.hotloop.testsupport;

import static org.awaitility.Awaitility.await;

import dev.hotloop.localredis.LocalRedis;
import dev.hotloop.localredis.RespClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Redis Cluster of real {@code redis-server} processes on loopback: three primaries with one replica each, made
 * with {@code redis-cli --cluster create}, nothing persisted. For one test class; {@link #close()} stops every node.
 */
public final class TestRedisCluster implements AutoCloseable {

    private static final int NODES = 6;
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

    private final List<LocalRedis> nodes;

    private TestRedisCluster(List<LocalRedis> nodes) {
        this.nodes = nodes;
    }

    /** Starts six nodes, joins them into a cluster and returns once every node sees all slots served. */
    public static TestRedisCluster start() {
        List<LocalRedis> nodes = new ArrayList<>(NODES);
        try {
            for (int node = 0; node < NODES; node++) {
                // each node rewrites its own nodes.conf
                Path dir = Files.createTempDirectory("hotloop-cluster-node-");
                nodes.add(LocalRedis.startServer(List.of(
                        "--cluster-enabled",
                        "yes",
                        "--cluster-config-file",
                        "nodes.conf",
                        "--cluster-node-timeout",
                        "2000",
                        "--dir",
                        dir.toString(),
                        "--save",
                        "",
                        "--appendonly",
                        "no")));
            }
            TestRedisCluster cluster = new TestRedisCluster(nodes);
            cluster.create();
            return cluster;
        } catch (IOException e) {
            nodes.forEach(LocalRedis::close);
            throw new UncheckedIOException("Could not create a cluster node's directory", e);
        } catch (RuntimeException e) {
            nodes.forEach(LocalRedis::close);
            throw e;
        }
    }

    /** {@code host:port} of every node, as {@code spring.data.redis.cluster.nodes} takes them. */
    public String nodes() {
        return String.join(",", nodes.stream().map(TestRedisCluster::address).toList());
    }

    /** The {@code host:port} of the primary that serves the slot of a key now. */
    public String primaryOf(String key) {
        String slot = call(address(nodes.getFirst()), "CLUSTER", "KEYSLOT", key).substring(1);
        for (String[] node : clusterNodes()) {
            if (node[2].contains("master") && servesSlot(node, Integer.parseInt(slot))) {
                return endpoint(node);
            }
        }
        throw new IllegalStateException("No primary serves slot " + slot);
    }

    /**
     * Promotes the replica of a primary with {@code CLUSTER FAILOVER FORCE} (it takes over without waiting for its
     * primary), and returns its {@code host:port} once it is the primary. Writes the old primary acknowledged but had
     * not yet replicated are lost, as in a crash.
     */
    public String failOver(String primary) {
        String primaryId = clusterNodes().stream()
                .filter(node -> endpoint(node).equals(primary))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("No node " + primary))[0];
        String replica = endpoint(clusterNodes().stream()
                .filter(node -> node[3].equals(primaryId))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("No replica of " + primary)));
        String reply = call(replica, "CLUSTER", "FAILOVER", "FORCE");
        if (!reply.equals("+OK")) {
            throw new IllegalStateException("CLUSTER FAILOVER FORCE on " + replica + ": " + reply);
        }
        await().atMost(READY_TIMEOUT)
                .until(() -> call(replica, "INFO", "replication").contains("role:master")
                        && primaryIds()
                                .contains(clusterNodes().stream()
                                        .filter(node -> endpoint(node).equals(replica))
                                        .findFirst()
                                        .orElseThrow()[0]));
        return replica;
    }

    @Override
    public void close() {
        nodes.forEach(LocalRedis::close);
    }

    private void create() {
        List<String> command = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
        nodes.forEach(node -> command.add(address(node)));
        command.addAll(List.of("--cluster-replicas", "1", "--cluster-yes"));
        try {
            Process process =
                    new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(READY_TIMEOUT.toSeconds(), TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("redis-cli --cluster create failed:\n" + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not run redis-cli (apt-get install redis-server)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating the cluster", e);
        }
        await().atMost(READY_TIMEOUT)
                .until(() -> nodes.stream().allMatch(node -> {
                    String info = call(address(node), "CLUSTER", "INFO");
                    return info.contains("cluster_state:ok")
                            && info.contains("cluster_slots_ok:16384")
                            && info.contains("cluster_known_nodes:" + NODES);
                }));
    }

    private List<String> primaryIds() {
        return clusterNodes().stream()
                .filter(node -> node[2].contains("master"))
                .map(node -> node[0])
                .toList();
    }

    /** {@code CLUSTER NODES} of the first node, split: id, address@bus, flags, primary id, …, slot ranges. */
    private List<String[]> clusterNodes() {
        return call(address(nodes.getFirst()), "CLUSTER", "NODES")
                .lines()
                .map(line -> line.split(" "))
                .toList();
    }

    private static boolean servesSlot(String[] node, int slot) {
        for (int field = 8; field < node.length; field++) {
            String[] range = node[field].split("-");
            if (!range[0].startsWith("[")
                    && Integer.parseInt(range[0]) <= slot
                    && slot <= Integer.parseInt(range[range.length - 1])) {
                return true;
            }
        }
        return false;
    }

    private static String endpoint(String[] node) {
        return node[1].substring(0, node[1].indexOf('@'));
    }

    private static String address(LocalRedis node) {
        return node.host() + ":" + node.port();
    }

    private static String call(String address, String... command) {
        int colon = address.lastIndexOf(':');
        return String.valueOf(
                RespClient.of(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1)), CALL_TIMEOUT)
                        .call(command));
    }
}
