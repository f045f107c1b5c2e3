package dev.hotloop.local;

import dev.hotloop.api.ApiServiceApplication;
import dev.hotloop.localredis.LocalRedis;
import dev.hotloop.session.SessionServiceApplication;
import dev.hotloop.toolrunner.ToolRunnerApplication;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The whole platform in this JVM: a private Redis that keeps its data in {@link #redisDataDir} (append-only file,
 * fsynced every second), session-service and tool-runner-service on free ports, and
 * api-service configured by {@code apiArguments} (Spring command-line arguments, e.g. {@code --server.port=0}).
 * Closing stops them all in reverse order. Used by {@link HotloopLocal} and by the benchmarks.
 *
 * <p>tool-runner refuses to start without bubblewrap; the platform then runs without hosted tools (a request using
 * them gets a clear {@code response.failed}) and says so, unless the insecure development mode is set explicitly.
 */
public final class LocalPlatform implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LocalPlatform.class);

    private final LocalRedis redis;
    private final ConfigurableApplicationContext session;
    private final @Nullable ConfigurableApplicationContext tools;
    private final ConfigurableApplicationContext api;

    private LocalPlatform(
            LocalRedis redis,
            ConfigurableApplicationContext session,
            @Nullable ConfigurableApplicationContext tools,
            ConfigurableApplicationContext api) {
        this.redis = redis;
        this.session = session;
        this.tools = tools;
        this.api = api;
    }

    /**
     * @param defaultApiKeys {@code tenant:key} pairs used unless the environment configures keys
     */
    public static LocalPlatform start(String defaultApiKeys, String... apiArguments) {
        LocalRedis redis = LocalRedis.startPersistent(redisDataDir(System.getenv()));
        ConfigurableApplicationContext session = SessionServiceApplication.builder()
                .registerShutdownHook(false)
                .run(
                        "--server.port=0",
                        "--spring.data.redis.host=" + redis.host(),
                        "--spring.data.redis.port=" + redis.port());
        ConfigurableApplicationContext tools = startToolRunner();
        String[] arguments = Arrays.copyOf(apiArguments, apiArguments.length + 4);
        arguments[apiArguments.length] = "--hotloop.api.session.url=http://127.0.0.1:" + port(session);
        arguments[apiArguments.length + 1] =
                "--hotloop.api.tool-runner.url=http://127.0.0.1:" + (tools == null ? 1 : port(tools));
        // the same Redis holds api-service's per-tenant limits
        arguments[apiArguments.length + 2] = "--spring.data.redis.host=" + redis.host();
        arguments[apiArguments.length + 3] = "--spring.data.redis.port=" + redis.port();
        ConfigurableApplicationContext api = ApiServiceApplication.builder()
                .registerShutdownHook(false)
                .properties("hotloop.security.api-keys=" + defaultApiKeys)
                .run(arguments);
        return new LocalPlatform(redis, session, tools, api);
    }

    /**
     * Where Redis keeps its append-only file, so stored responses survive a restart of the launcher:
     * {@code $HOTLOOP_DATA_DIR/redis}, else {@code $XDG_DATA_HOME/hotloop/redis}, else
     * {@code ~/.local/share/hotloop/redis}.
     */
    static Path redisDataDir(Map<String, String> environment) {
        String hotloop = environment.get("HOTLOOP_DATA_DIR");
        if (hotloop != null && !hotloop.isBlank()) {
            return Path.of(hotloop, "redis");
        }
        String xdg = environment.get("XDG_DATA_HOME");
        Path data = xdg != null && !xdg.isBlank()
                ? Path.of(xdg)
                : Path.of(System.getProperty("user.home"), ".local", "share");
        return data.resolve("hotloop").resolve("redis");
    }

    private static @Nullable ConfigurableApplicationContext startToolRunner() {
        try {
            return ToolRunnerApplication.builder()
                    .registerShutdownHook(false)
                    .run(
                            "--server.port=0",
                            "--hotloop.tools.workspace.root="
                                    + Path.of(System.getProperty("java.io.tmpdir"), "hotloop-workspaces"));
        } catch (RuntimeException refused) {
            log.warn(
                    "tool-runner-service did not start, so hosted tools (shell) are off: {}. Install bubblewrap "
                            + "(apt-get install bubblewrap) for the sandbox.",
                    refused.getMessage());
            return null;
        }
    }

    public int apiPort() {
        return port(api);
    }

    public int sessionPort() {
        return port(session);
    }

    /** tool-runner's port, or -1 when it did not start (no bubblewrap). */
    public int toolRunnerPort() {
        return tools == null ? -1 : port(tools);
    }

    /** api-service's application context, e.g. for its meter registry. */
    public ConfigurableApplicationContext api() {
        return api;
    }

    @Override
    public void close() {
        api.close();
        if (tools != null) {
            tools.close();
        }
        session.close();
        redis.close();
    }

    private static int port(ConfigurableApplicationContext context) {
        return Objects.requireNonNull(((WebServerApplicationContext) context).getWebServer())
                .getPort();
    }
}
