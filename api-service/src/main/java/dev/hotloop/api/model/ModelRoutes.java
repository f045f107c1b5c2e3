package dev.hotloop.api.model;

import dev.hotloop.api.config.ModelProperties;
import dev.hotloop.api.model.chat.OpenAiChatProvider;
import dev.hotloop.api.model.responses.OpenAiResponsesProvider;
import dev.hotloop.api.model.routing.RoutedModel;
import dev.hotloop.api.model.routing.UpstreamRoute;
import dev.hotloop.api.model.upstream.UpstreamClient;
import dev.hotloop.api.remote.RemoteClients;
import dev.hotloop.protocol.model.ModelProvider;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.RetryRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * Builds the routed model of a public name from its {@code hotloop.model.routes} entry, validated as
 * {@link ModelProperties} binds. What binding cannot know (a key variable that is not set, an unreadable key file)
 * fails at start-up with a message that names the route and the setting, never the key.
 */
public final class ModelRoutes {

    private final ModelProperties.Resilience resilience;
    private final ModelProvider simulator;
    private final Function<String, @Nullable String> environment;
    private final CircuitBreakerRegistry breakers;
    private final RetryRegistry retries;
    private final RemoteClients clients;
    private final RandomGenerator random;

    /**
     * @param simulator   the embedded simulator, for {@code provider: simulator} upstreams
     * @param environment looks up the variables named by {@code api-key-env} (null when unset)
     * @param clients     builds the upstreams' HTTP clients
     */
    public ModelRoutes(
            ModelProperties.Resilience resilience,
            ModelProvider simulator,
            Function<String, @Nullable String> environment,
            CircuitBreakerRegistry breakers,
            RetryRegistry retries,
            RemoteClients clients,
            RandomGenerator random) {
        this.resilience = resilience;
        this.simulator = simulator;
        this.environment = environment;
        this.breakers = breakers;
        this.retries = retries;
        this.clients = clients;
        this.random = random;
    }

    public RoutedModel route(String model, List<ModelProperties.Upstream> configs) {
        List<UpstreamRoute> upstreams = new ArrayList<>(configs.size());
        for (int i = 0; i < configs.size(); i++) {
            ModelProperties.Upstream config = configs.get(i);
            String setting = "hotloop.model.routes." + model + "[" + i + "]";
            String label = model + "[" + i + "] "
                    + config.provider().name().toLowerCase(Locale.ROOT).replace('_', '-') + " " + config.safeUrl();
            ModelProvider provider = provider(model, config, label, setting);
            upstreams.add(new UpstreamRoute(
                    label,
                    config.weight(),
                    provider,
                    breakers.circuitBreaker("upstream-" + model + "-" + i, breakerConfig()),
                    config.firstTokenTimeout(),
                    config.readTimeout()));
        }
        boolean hostsMcp = configs.getFirst().hostsMcp();
        if (configs.stream().anyMatch(config -> config.hostsMcp() != hostsMcp)) {
            throw new IllegalArgumentException("hotloop.model.routes." + model
                    + ": its upstreams disagree on 'mcp' (host or pass-through); set it on every one");
        }
        return new RoutedModel(
                model,
                upstreams,
                hostsMcp,
                retries,
                resilience.maxAttempts(),
                resilience.backoff(),
                resilience.maxRetryAfter(),
                random);
    }

    private ModelProvider provider(String model, ModelProperties.Upstream config, String label, String setting) {
        if (config.provider() == ModelProperties.Provider.SIMULATOR) {
            return simulator;
        }
        UpstreamClient client = UpstreamClient.create(label, config, apiKey(config, setting), clients);
        String upstreamModel = config.upstreamModel() != null ? config.upstreamModel() : model;
        return switch (config.provider()) {
            case OPENAI_CHAT ->
                new OpenAiChatProvider(
                        client,
                        upstreamModel,
                        config.maxTokensField(),
                        config.developerRole(),
                        config.promptCacheKey(),
                        config.renderCacheBudget().toBytes());
            case OPENAI_RESPONSES ->
                new OpenAiResponsesProvider(
                        client,
                        upstreamModel,
                        config.promptCacheKey(),
                        config.previousResponseId(),
                        config.renderCacheBudget().toBytes());
            case SIMULATOR -> simulator;
        };
    }

    private @Nullable String apiKey(ModelProperties.Upstream config, String setting) {
        if (config.apiKeyEnv() != null) {
            String key = environment.apply(config.apiKeyEnv());
            if (key == null || key.isBlank()) {
                throw new IllegalStateException(
                        setting + ".api-key-env names " + config.apiKeyEnv() + ", which is not set");
            }
            return key.strip();
        }
        if (config.apiKeyFile() != null) {
            try {
                String key = Files.readString(config.apiKeyFile()).strip();
                if (key.isEmpty()) {
                    throw new IllegalStateException(setting + ".api-key-file " + config.apiKeyFile() + " is empty");
                }
                return key;
            } catch (IOException e) {
                throw new IllegalStateException(setting + ".api-key-file " + config.apiKeyFile() + " cannot be read: "
                        + e.getClass().getSimpleName());
            }
        }
        return null;
    }

    private CircuitBreakerConfig breakerConfig() {
        ModelProperties.CircuitBreaker breaker = resilience.circuitBreaker();
        return CircuitBreakerConfig.custom()
                .failureRateThreshold(breaker.failureRateThreshold())
                .slidingWindowSize(breaker.slidingWindowSize())
                .minimumNumberOfCalls(breaker.minimumNumberOfCalls())
                .waitDurationInOpenState(breaker.waitDurationInOpenState())
                .automaticTransitionFromOpenToHalfOpenEnabled(true)
                .ignoreException(UpstreamRoute::ignoredByBreaker)
                .build();
    }
}
