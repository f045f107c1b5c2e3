package dev.hotloop.testsupport;

import dev.hotloop.localredis.LocalRedis;
import dev.hotloop.localredis.RespClient;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * One real Redis per test JVM, started on first use and stopped when the JVM exits: a Testcontainers
 * {@value #IMAGE} where Docker runs, else {@link LocalRedis}. Tests share it, so they must use keys of their
 * own (random ids) rather than flush it.
 */
public final class TestRedis {

    private static final Logger log = LoggerFactory.getLogger(TestRedis.class);

    static final String IMAGE = "redis:7.4.2-alpine";
    private static final int CONTAINER_PORT = 6379;
    private static final Pattern COMMAND_STAT = Pattern.compile("^cmdstat_(\\S+?):calls=(\\d+)", Pattern.MULTILINE);

    private final String host;
    private final int port;

    private TestRedis(String host, int port) {
        this.host = host;
        this.port = port;
    }

    /** The initialization-on-demand holder: the JVM starts Redis once, on the first call to a getter. */
    private static final class Instance {
        static final TestRedis REDIS = start();
    }

    public static String host() {
        return Instance.REDIS.host;
    }

    public static int port() {
        return Instance.REDIS.port;
    }

    /**
     * Calls per command since the server started, from {@code INFO commandstats} (commands that Lua scripts run
     * are counted too); keyed by lowercase name such as {@code evalsha} or {@code client|setinfo}.
     */
    public static Map<String, Long> commandCalls() {
        String info = RespClient.of(host(), port(), Duration.ofSeconds(5)).call("INFO", "commandstats");
        Map<String, Long> calls = new TreeMap<>();
        Matcher stat = COMMAND_STAT.matcher(String.valueOf(info));
        while (stat.find()) {
            calls.put(stat.group(1), Long.parseLong(stat.group(2)));
        }
        return calls;
    }

    private static TestRedis start() {
        if (DockerClientFactory.instance().isDockerAvailable()) {
            GenericContainer<?> container = new GenericContainer<>(DockerImageName.parse(IMAGE))
                    .withExposedPorts(CONTAINER_PORT)
                    .withCommand("redis-server", "--save", "", "--appendonly", "no");
            container.start();
            Runtime.getRuntime().addShutdownHook(new Thread(container::stop, "test-redis-stop"));
            log.info(
                    "Test Redis: container {} at {}:{}",
                    IMAGE,
                    container.getHost(),
                    container.getMappedPort(CONTAINER_PORT));
            return new TestRedis(container.getHost(), container.getMappedPort(CONTAINER_PORT));
        }
        LocalRedis redis = LocalRedis.startEphemeral();
        Runtime.getRuntime().addShutdownHook(new Thread(redis::close, "test-redis-stop"));
        log.info("Test Redis: no Docker, using {}", redis);
        return new TestRedis(redis.host(), redis.port());
    }
}
