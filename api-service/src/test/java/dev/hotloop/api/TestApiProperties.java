package dev.hotloop.api;

import dev.hotloop.api.config.ApiProperties;
import dev.hotloop.api.remote.RemoteClients;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.web.reactive.function.client.WebClient;

/** {@code hotloop.api.*} bound as api-service binds it (defaults included), and remote clients built as it builds them. */
public final class TestApiProperties {

    private TestApiProperties() {}

    /** @param properties relative to {@code hotloop.api}, like {@code session.url} */
    public static ApiProperties bind(Map<String, String> properties) {
        Map<String, String> full = new LinkedHashMap<>();
        properties.forEach((key, value) -> full.put("hotloop.api." + key, value));
        return new Binder(new MapConfigurationPropertySource(full)).bindOrCreate("hotloop.api", ApiProperties.class);
    }

    /** Remote clients without Boot's customizers, registering breakers in {@code breakers}. */
    public static RemoteClients clients(CircuitBreakerRegistry breakers) {
        return new RemoteClients(WebClient::builder, List.of(), breakers, new SimpleMeterRegistry());
    }
}
