package dev.hotloop.localredis;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.embedded.RedisServer;
import redis.embedded.core.RedisServerBuilder;

/**
 * A private Redis on a free loopback port: {@code redis-server} from {@code PATH} when there is one, else the
 * binary bundled with embedded-redis. {@link #startPersistent} keeps its data across restarts, {@link #startEphemeral}
 * keeps nothing; {@link #close()} stops it.
 */
public final class LocalRedis implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LocalRedis.class);

    private static final String HOST = "127.0.0.1";
    private static final int DEFAULT_REDIS_PORT = 6379;
    private static final int START_ATTEMPTS = 3;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration PROBE_TIMEOUT = Duration.ofMillis(250);
    private static final Duration PROBE_INTERVAL = Duration.ofMillis(20);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);
    /** No snapshot, no append-only file. */
    /* for testing */ static final Map<String, String> EPHEMERAL = Map.of("save", "", "appendonly", "no");

    private final int port;
    private final Runnable stopper;
    private boolean closed;

    private LocalRedis(int port, Runnable stopper) {
        this.port = port;
        this.stopper = stopper;
    }

    /**
     * Starts a Redis that persists nothing (for tests) and returns once it answers {@code PING}.
     *
     * @throws IllegalStateException when no Redis could be started within the time limit
     */
    public static LocalRedis startEphemeral() {
        return start(EPHEMERAL);
    }

    /**
     * Starts a Redis whose data survives a restart on the same directory, and returns once it answers {@code PING}:
     * every write goes to an append-only file fsynced every second, so a crash of the machine loses at most the
     * last second, a crash of Redis or of this JVM nothing. Redis replays the file on start.
     *
     * @param dataDir where the append-only file lives; created when absent
     * @throws IllegalStateException when no Redis could be started within the time limit
     */
    public static LocalRedis startPersistent(Path dataDir) {
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not create the Redis data directory " + dataDir, e);
        }
        return start(Map.of(
                "dir",
                dataDir.toAbsolutePath().toString(),
                "save",
                "",
                "appendonly",
                "yes",
                "appendfsync",
                "everysec"));
    }

    /**
     * Starts {@code redis-server} from {@code PATH} (there is no embedded fallback) on a free loopback port with these
     * arguments in front of {@code --bind} and {@code --port}, and returns once it answers {@code PING}: for test
     * topologies, e.g. {@code --cluster-enabled yes}, {@code --replicaof …}, or a config file and {@code --sentinel}.
     *
     * @throws IllegalStateException when there is no {@code redis-server} on {@code PATH} or it did not start
     */
    public static LocalRedis startServer(List<String> arguments) {
        Path executable = findOnPath("redis-server")
                .orElseThrow(() -> new IllegalStateException("No redis-server on PATH (apt-get install redis-server)"));
        return startProcess(executable, arguments);
    }

    /** @param settings redis.conf directives by name */
    private static LocalRedis start(Map<String, String> settings) {
        List<String> arguments = new ArrayList<>();
        settings.forEach((name, value) -> {
            arguments.add("--" + name);
            arguments.add(value);
        });
        return findOnPath("redis-server")
                .map(executable -> startProcess(executable, arguments))
                .orElseGet(() -> startEmbedded(settings));
    }

    public String host() {
        return HOST;
    }

    public int port() {
        return port;
    }

    /** Stops the server; calling it again does nothing. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            stopper.run();
        }
    }

    @Override
    public String toString() {
        return "LocalRedis[" + HOST + ":" + port + "]";
    }

    /* for testing */
    static LocalRedis startEmbedded(Map<String, String> settings) {
        int port = freePort();
        try {
            RedisServerBuilder builder = RedisServer.newRedisServer().bind(HOST).port(port);
            // the library writes each setting as a line of a config file, where a value is quoted
            settings.forEach((name, value) -> builder.setting(name + " \"" + value + "\""));
            RedisServer server = builder.build();
            // the library blocks until the server logs that it accepts connections
            server.start();
            log.info("No redis-server on PATH; started the embedded Redis on {}:{}", HOST, port);
            return new LocalRedis(port, () -> stopEmbedded(server));
        } catch (IOException e) {
            throw new IllegalStateException("Could not start the embedded Redis on port " + port, e);
        }
    }

    private static LocalRedis startProcess(Path executable, List<String> arguments) {
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            int port = freePort();
            Path logFile = createLogFile();
            Process process = launch(executable, port, arguments, logFile);
            if (awaitPong(process, port)) {
                log.info("Started {} on {}:{} (pid {})", executable, HOST, port, process.pid());
                return new LocalRedis(port, () -> stopProcess(process, logFile));
            }
            // it exited before answering, most likely because another process took the port meanwhile
            log.warn("{} exited with {} on port {}; see {}", executable, process.exitValue(), port, logFile);
        }
        throw new IllegalStateException(executable + " did not start in " + START_ATTEMPTS + " attempts");
    }

    private static Process launch(Path executable, int port, List<String> arguments, Path logFile) {
        List<String> command = new ArrayList<>();
        command.add(executable.toString());
        // a config file must come first
        command.addAll(arguments);
        command.addAll(List.of("--bind", HOST, "--port", Integer.toString(port)));
        try {
            return new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(logFile.toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not run " + executable, e);
        }
    }

    /** Polls with PING until it answers, the process exits (false), or the deadline passes (throws). */
    private static boolean awaitPong(Process process, int port) {
        RespClient probe = RespClient.of(HOST, port, PROBE_TIMEOUT);
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        try {
            while (process.isAlive()) {
                if (answersPing(probe)) {
                    return true;
                }
                if (System.nanoTime() - deadline > 0) {
                    process.destroyForcibly();
                    throw new IllegalStateException(
                            "redis-server on port " + port + " did not answer PING within " + READY_TIMEOUT);
                }
                // waiting on the process itself paces the probes and returns early if it dies
                process.waitFor(PROBE_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
            }
            return false;
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for redis-server", e);
        }
    }

    private static boolean answersPing(RespClient probe) {
        try {
            return "+PONG".equals(probe.call("PING"));
        } catch (UncheckedIOException notListeningYet) {
            return false;
        }
    }

    private static void stopProcess(Process process, Path logFile) {
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
            Files.deleteIfExists(logFile);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            log.debug("Could not delete {}", logFile, e);
        }
    }

    private static void stopEmbedded(RedisServer server) {
        try {
            server.stop();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not stop the embedded Redis", e);
        }
    }

    private static Optional<Path> findOnPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        return Arrays.stream(path.split(File.pathSeparator))
                .filter(dir -> !dir.isBlank())
                .map(dir -> Path.of(dir, name))
                .filter(Files::isExecutable)
                .findFirst();
    }

    private static int freePort() {
        try {
            InetAddress loopback = InetAddress.getByAddress(HOST, new byte[] {127, 0, 0, 1});
            while (true) {
                try (ServerSocket socket = new ServerSocket(0, 1, loopback)) {
                    // never the well-known port: a developer's own Redis may listen there
                    if (socket.getLocalPort() != DEFAULT_REDIS_PORT) {
                        return socket.getLocalPort();
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("No free loopback port", e);
        }
    }

    private static Path createLogFile() {
        try {
            return Files.createTempFile("local-redis-", ".log");
        } catch (IOException e) {
            throw new UncheckedIOException("Could not create a log file for redis-server", e);
        }
    }
}
