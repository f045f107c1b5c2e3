package dev.hotloop.api;

import dev.hotloop.serviceweb.OwnEventLoopsConfiguration;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Import;

/** The edge of hotloop: the OpenAI Responses API and the agent loop. */
@SpringBootApplication
@ConfigurationPropertiesScan
// api-service replicas share a JVM in tests: closing one must not dispose the event loops the others serve on
@Import(OwnEventLoopsConfiguration.class)
public class ApiServiceApplication {

    /** Starts api-service reading {@code api-service.yml}, so it can share a JVM with session-service. */
    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(ApiServiceApplication.class).properties("spring.config.name=api-service");
    }

    public static void main(String[] args) {
        builder().run(args);
    }
}
