package dev.hotloop.session;

import dev.hotloop.serviceweb.OwnEventLoopsConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Import;

@SpringBootApplication
@ConfigurationPropertiesScan
@Import(OwnEventLoopsConfiguration.class) // api-service may share the JVM
public class SessionServiceApplication {

    /** Configuration is read from {@code session-service.yml}, so it never picks up another app's {@code application.yml}. */
    public static final String CONFIG_NAME = "session-service";

    /** The port when nothing else sets {@code server.port}. */
    public static final int DEFAULT_PORT = 8081;

    /**
     * A builder that starts session-service with its own configuration file, also inside a JVM that runs other
     * Spring Boot apps (tests, hotloop-local). Add {@code .properties("server.port=0",
     * "spring.data.redis.host=…", "spring.data.redis.port=…", "hotloop.session.ttl=…")} and call {@code run()};
     * the bound port is then {@code context.getEnvironment().getProperty("local.server.port")}. Builder
     * properties are Boot's default properties: they override these defaults, and environment variables,
     * system properties and {@code run("--key=value")} arguments override them.
     */
    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(SessionServiceApplication.class)
                .web(WebApplicationType.REACTIVE)
                .properties("spring.config.name=" + CONFIG_NAME, "server.port=" + DEFAULT_PORT);
    }

    public static void main(String[] args) {
        builder().run(args);
    }
}
