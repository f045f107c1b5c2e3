package dev.hotloop.local;

/**
 * The whole platform in one process for development: a private Redis, session-service on a free port and
 * api-service on {@code server.port} (8080), wired together. Ctrl-C stops all three, in reverse order.
 * Arguments go to api-service (e.g. {@code --server.port=9090}); without configured keys the dev key
 * {@code hotloop-dev-key} (tenant {@code dev}) works.
 */
public final class HotloopLocal {

    static final String DEV_KEY = "dev:hotloop-dev-key";

    private HotloopLocal() {}

    public static void main(String[] args) {
        LocalPlatform platform = LocalPlatform.start(DEV_KEY, args);
        Runtime.getRuntime().addShutdownHook(new Thread(platform::close, "hotloop-local-shutdown"));
        System.out.printf(
                "%nhotloop is up: http://localhost:%d/v1  (dev API key: hotloop-dev-key, Ctrl-C stops)%n%n",
                platform.apiPort());
    }
}
