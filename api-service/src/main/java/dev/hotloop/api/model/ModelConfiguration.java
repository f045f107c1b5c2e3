package dev.hotloop.api.model;

import dev.hotloop.api.config.ModelProperties;
import dev.hotloop.api.remote.RemoteClients;
import dev.hotloop.api.tokens.TokenCounter;
import dev.hotloop.protocol.model.ModelProvider;
import dev.hotloop.simulator.SimulatedModel;
import dev.hotloop.simulator.SimulatorSettings;
import dev.hotloop.simulator.scenario.Scenario;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.RetryRegistry;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Binds model names to providers: each configured route to its upstreams, and the embedded simulator to its names
 * (and to any unlisted name when it serves any model) when no routes are configured or it is enabled explicitly.
 */
@Configuration(proxyBeanMethods = false)
class ModelConfiguration {

    @Bean
    ModelCatalog modelCatalog(
            ModelProperties properties,
            TokenCounter tokens,
            Environment environment,
            CircuitBreakerRegistry circuitBreakers,
            RetryRegistry retries,
            RemoteClients clients) {
        ModelProperties.Simulator simulator = properties.simulator();
        Scenario scenario = simulator.scenario() == null ? Scenario.empty() : Scenario.load(simulator.scenario());
        ModelProvider simulated = new SimulatedModel(
                new SimulatorSettings(simulator.timeToFirstToken(), simulator.tokensPerSecond(), scenario),
                tokens.encoding());
        ModelRoutes routes = new ModelRoutes(
                properties.resilience(),
                simulated,
                environment::getProperty,
                circuitBreakers,
                retries,
                clients,
                RandomGenerator.getDefault());
        Map<String, ModelProvider> providers = new LinkedHashMap<>();
        properties.routes().forEach((name, upstreams) -> providers.put(name, routes.route(name, upstreams)));
        ModelProvider fallback = null;
        if (simulator.enabled(!properties.routes().isEmpty())) {
            simulator.models().forEach(name -> providers.putIfAbsent(name, simulated));
            providers.putIfAbsent(properties.defaultModel(), simulated);
            fallback = simulator.serveAnyModel() ? simulated : null;
        }
        if (fallback == null && !providers.containsKey(properties.defaultModel())) {
            throw new IllegalStateException("hotloop.model.default-model '" + properties.defaultModel()
                    + "' is not served: set it to one of " + providers.keySet());
        }
        return new ModelCatalog(properties.defaultModel(), providers, fallback);
    }
}
