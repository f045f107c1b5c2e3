package dev.hotloop.api.model;

import dev.hotloop.api.config.ModelProperties;
import dev.hotloop.api.tokens.TokenCounter;
import dev.hotloop.protocol.model.ModelProvider;
import dev.hotloop.simulator.SimulatedModel;
import dev.hotloop.simulator.SimulatorSettings;
import dev.hotloop.simulator.scenario.Scenario;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Binds model names to providers; today the embedded simulator serves every configured name. */
@Configuration(proxyBeanMethods = false)
class ModelConfiguration {

    @Bean
    ModelCatalog modelCatalog(ModelProperties properties, TokenCounter tokens) {
        ModelProperties.Simulator simulator = properties.simulator();
        Scenario scenario = simulator.scenario() == null ? Scenario.empty() : Scenario.load(simulator.scenario());
        ModelProvider model = new SimulatedModel(new SimulatorSettings(simulator.timeToFirstToken(),
                simulator.tokensPerSecond(), scenario), tokens.encoding());
        Map<String, ModelProvider> providers = new LinkedHashMap<>();
        simulator.models().forEach(name -> providers.put(name, model));
        providers.putIfAbsent(properties.defaultModel(), model);
        return new ModelCatalog(properties.defaultModel(), providers, simulator.serveAnyModel() ? model : null);
    }
}
