package dev.hotloop.api.model;

import dev.hotloop.api.config.ModelProperties;
import dev.hotloop.api.model.routing.RoutedModel;
import dev.hotloop.api.remote.RemoteClients;
import dev.hotloop.protocol.model.ModelProvider;
import dev.hotloop.simulator.SimulatedModel;
import dev.hotloop.simulator.SimulatorSettings;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.RetryRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.validation.Validation;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.validation.ValidationBindHandler;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.validation.beanvalidation.SpringValidatorAdapter;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Routed models built as api-service builds them, from {@code hotloop.model.*} properties written as a user would,
 * with fresh breakers, and a weighted pick that always takes the first upstream with a weight.
 */
public final class TestRoutes {

    /** Always the first weighted candidate, so that failover order is the configured order. */
    public static final RandomGenerator FIRST = () -> 0L;

    private static final ModelProvider SIMULATOR = SimulatedModel.create(SimulatorSettings.unthrottled());
    private static final SpringValidatorAdapter VALIDATOR =
            new SpringValidatorAdapter(Validation.buildDefaultValidatorFactory().getValidator());

    /** Remote clients as api-service builds them, without Boot's customizers. */
    public static final RemoteClients CLIENTS = new RemoteClients(
            WebClient::builder, List.of(), CircuitBreakerRegistry.ofDefaults(), new SimpleMeterRegistry());

    private TestRoutes() {}

    /**
     * The properties bound and validated as {@code hotloop.model}; keys are relative to it, like
     * {@code routes.m[0].url}.
     */
    public static ModelProperties properties(Map<String, String> properties) {
        Map<String, String> full = new LinkedHashMap<>();
        properties.forEach((key, value) -> full.put("hotloop.model." + key, value));
        return bind(new MapConfigurationPropertySource(full));
    }

    /** {@code hotloop.model} bound and validated as api-service binds it at start-up. */
    public static ModelProperties bind(Iterable<ConfigurationPropertySource> sources) {
        // a ValidationBindHandler keeps what one bind saw: one per bind
        return new Binder(sources)
                .bindOrCreate(
                        "hotloop.model", Bindable.of(ModelProperties.class), new ValidationBindHandler(VALIDATOR));
    }

    private static ModelProperties bind(ConfigurationPropertySource source) {
        return bind(List.of(source));
    }

    public static RoutedModel route(String model, Map<String, String> properties) {
        return route(model, properties, Map.of());
    }

    /** @param environment the variables {@code api-key-env} may name */
    public static RoutedModel route(String model, Map<String, String> properties, Map<String, String> environment) {
        ModelProperties bound = properties(properties);
        return new ModelRoutes(
                        bound.resilience(),
                        SIMULATOR,
                        environment::get,
                        CircuitBreakerRegistry.ofDefaults(),
                        RetryRegistry.ofDefaults(),
                        CLIENTS,
                        FIRST)
                .route(model, bound.routes().get(model));
    }
}
