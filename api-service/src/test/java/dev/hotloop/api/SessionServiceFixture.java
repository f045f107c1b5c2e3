package dev.hotloop.api;

import dev.hotloop.session.SessionServiceApplication;
import dev.hotloop.testsupport.TestRedis;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/** One real session-service per test JVM, on a free port, backed by the test JVM's one real Redis. */
public final class SessionServiceFixture {

    private static ConfigurableApplicationContext context;

    private SessionServiceFixture() {}

    public static synchronized String url() {
        if (context == null) {
            context = SessionServiceApplication.builder()
                    .initializers(TestSpans::register)
                    .run(
                            "--server.port=0",
                            "--management.tracing.sampling.probability=1.0",
                            "--spring.data.redis.host=" + TestRedis.host(),
                            "--spring.data.redis.port=" + TestRedis.port());
        }
        return "http://127.0.0.1:"
                + ((WebServerApplicationContext) context).getWebServer().getPort();
    }
}
