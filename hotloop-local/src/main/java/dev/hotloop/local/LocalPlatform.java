package dev.hotloop.local;

import dev.hotloop.api.ApiServiceApplication;
import dev.hotloop.localredis.LocalRedis;
import dev.hotloop.session.SessionServiceApplication;
import java.util.Arrays;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The whole platform in this JVM: a private Redis, session-service on a free port, and api-service configured by
 * {@code apiArguments} (Spring command-line arguments, e.g. {@code --server.port=0}). Closing stops all three in
 * reverse order. Used by {@link HotloopLocal} and by the benchmarks.
 */
public final class LocalPlatform implements AutoCloseable {

    private final LocalRedis redis;
    private final ConfigurableApplicationContext session;
    private final ConfigurableApplicationContext api;

    private LocalPlatform(LocalRedis redis, ConfigurableApplicationContext session, ConfigurableApplicationContext api) {
        this.redis = redis;
        this.session = session;
        this.api = api;
    }

    /**
     * @param defaultApiKeys {@code tenant:key} pairs used unless the environment configures keys
     */
    public static LocalPlatform start(String defaultApiKeys, String... apiArguments) {
        LocalRedis redis = LocalRedis.start();
        ConfigurableApplicationContext session = SessionServiceApplication.builder()
                .registerShutdownHook(false)
                .run("--server.port=0", "--spring.data.redis.host=" + redis.host(),
                        "--spring.data.redis.port=" + redis.port());
        String[] arguments = Arrays.copyOf(apiArguments, apiArguments.length + 1);
        arguments[apiArguments.length] = "--hotloop.api.session.url=http://127.0.0.1:" + port(session);
        ConfigurableApplicationContext api = ApiServiceApplication.builder()
                .registerShutdownHook(false)
                .properties("hotloop.security.api-keys=" + defaultApiKeys)
                .run(arguments);
        return new LocalPlatform(redis, session, api);
    }

    public int apiPort() {
        return port(api);
    }

    /** api-service's application context, e.g. for its meter registry. */
    public ConfigurableApplicationContext api() {
        return api;
    }

    @Override
    public void close() {
        api.close();
        session.close();
        redis.close();
    }

    private static int port(ConfigurableApplicationContext context) {
        return ((WebServerApplicationContext) context).getWebServer().getPort();
    }
}
