package dev.hotloop.api.session;

import dev.hotloop.session.SessionServiceApplication;
import dev.hotloop.testsupport.TestRedis;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/** A second session-service replica per test JVM on the same Redis as {@link dev.hotloop.api.SessionServiceFixture}'s. */
final class SecondSessionReplica {

    private static ConfigurableApplicationContext context;

    private SecondSessionReplica() {}

    static synchronized String url() {
        if (context == null) {
            context = SessionServiceApplication.builder()
                    .run(
                            "--server.port=0",
                            "--spring.data.redis.host=" + TestRedis.host(),
                            "--spring.data.redis.port=" + TestRedis.port());
        }
        return "http://127.0.0.1:"
                + ((WebServerApplicationContext) context).getWebServer().getPort();
    }
}
