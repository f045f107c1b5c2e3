package dev.hotloop.local;

import dev.hotloop.api.ApiServiceApplication;
import dev.hotloop.localredis.LocalRedis;
import dev.hotloop.session.SessionServiceApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The whole platform in one process for development: a private Redis, session-service on a free port and
 * api-service on {@code server.port} (8080), wired together. Ctrl-C stops all three, in reverse order.
 * Arguments go to api-service (e.g. {@code --server.port=9090}); without configured keys the dev key
 * {@code hotloop-dev-key} (tenant {@code dev}) works.
 */
public final class HotloopLocal {

    static final String DEV_KEY = "dev:hotloop-dev-key";

    private HotloopLocal() {
    }

    public static void main(String[] args) {
        LocalRedis redis = LocalRedis.start();
        ConfigurableApplicationContext session = SessionServiceApplication.builder()
                .registerShutdownHook(false)
                .run("--server.port=0", "--spring.data.redis.host=" + redis.host(),
                        "--spring.data.redis.port=" + redis.port());
        int sessionPort = ((WebServerApplicationContext) session).getWebServer().getPort();
        ConfigurableApplicationContext api = ApiServiceApplication.builder()
                .registerShutdownHook(false)
                .properties("hotloop.security.api-keys=" + DEV_KEY)
                .run(withArgument(args, "--hotloop.api.session.url=http://127.0.0.1:" + sessionPort));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            api.close();
            session.close();
            redis.close();
        }, "hotloop-local-shutdown"));
        int apiPort = ((WebServerApplicationContext) api).getWebServer().getPort();
        System.out.printf("%nhotloop is up: http://localhost:%d/v1  (dev API key: hotloop-dev-key, Ctrl-C stops)%n%n",
                apiPort);
    }

    private static String[] withArgument(String[] args, String argument) {
        String[] all = java.util.Arrays.copyOf(args, args.length + 1);
        all[args.length] = argument;
        return all;
    }
}
