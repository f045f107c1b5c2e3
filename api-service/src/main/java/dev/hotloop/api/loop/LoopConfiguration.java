package dev.hotloop.api.loop;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.EncodingType;
import dev.hotloop.api.config.ApiProperties;
import dev.hotloop.api.context.StoredConversations;
import dev.hotloop.api.metrics.TurnMetrics;
import dev.hotloop.api.model.ModelCatalog;
import dev.hotloop.api.session.SessionClient;
import dev.hotloop.api.tokens.TokenCounter;
import dev.hotloop.api.tools.ToolRunnerClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the engine: one tokenizer per process (loading o200k_base takes ~0.3 s), the model catalog, the store. */
@Configuration(proxyBeanMethods = false)
class LoopConfiguration {

    @Bean
    TokenCounter tokenCounter(ApiProperties properties, MeterRegistry meters) {
        return new TokenCounter(
                Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.O200K_BASE),
                properties.tokenizer(),
                meters);
    }

    @Bean
    TurnEngine turnEngine(
            ModelCatalog models,
            StoredConversations conversations,
            ToolRunnerClient tools,
            TokenCounter tokens,
            MeterRegistry meters,
            TurnMetrics metrics,
            ObservationRegistry observations) {
        // one span per remote stage (state_load, model, tool, persist) under the request's span
        return new TurnEngine(models, conversations, tools, tokens, Clock.systemUTC(), meters, metrics, observations);
    }

    @Bean
    StoredConversations storedConversations(SessionClient sessions, ApiProperties properties, MeterRegistry meters) {
        return new StoredConversations(sessions, properties.session().cacheBudget(), meters);
    }
}
