package dev.hotloop.api;

import dev.hotloop.testsupport.TestRedis;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * An api-service started outside Spring's test context, on a free port, in front of the test JVM's session-service:
 * for tests that shut a replica down, or that run where no Spring test context can be injected (jqwik properties).
 */
public final class ApiReplica {

    private ApiReplica() {}

    /** @param settings further {@code --name=value} arguments */
    public static ConfigurableApplicationContext start(String... settings) {
        return ApiServiceApplication.builder().run(arguments(settings));
    }

    /** The command-line arguments of a replica: the test JVM's services, then {@code settings}. */
    public static String[] arguments(String... settings) {
        String[] base = {
            "--server.port=0",
            "--hotloop.security.api-keys=" + PlatformTest.ACME + ":" + PlatformTest.ACME_KEY,
            "--hotloop.model.simulator.time-to-first-token=0ms",
            "--hotloop.model.simulator.scenario=src/test/resources/test-scenario.yaml",
            "--hotloop.api.session.url=" + SessionServiceFixture.url(),
            "--hotloop.api.tool-runner.url=" + ToolRunnerFixture.url(),
            // the per-tenant limits live in the test Redis, never in a shared one
            "--spring.data.redis.host=" + TestRedis.host(),
            "--spring.data.redis.port=" + TestRedis.port()
        };
        String[] args = new String[base.length + settings.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(settings, 0, args, base.length, settings.length);
        return args;
    }

    public static int port(ConfigurableApplicationContext replica) {
        return ((WebServerApplicationContext) replica).getWebServer().getPort();
    }
}
