package dev.hotloop.api.loop;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.EncodingType;
import dev.hotloop.api.config.ApiProperties;
import dev.hotloop.api.context.StoredConversations;
import dev.hotloop.api.mcp.McpHost;
import dev.hotloop.api.metrics.TurnMetrics;
import dev.hotloop.api.model.ModelCatalog;
import dev.hotloop.api.session.SessionClient;
import dev.hotloop.api.tokens.TokenCounter;
import dev.hotloop.api.tools.ToolRunnerClient;
import io.micrometer.core.instrument.MeterRegistry;
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
            SessionClient sessions,
            StoredConversations conversations,
            ToolRunnerClient tools,
            McpHost mcp,
            TokenCounter tokens,
            MeterRegistry meters,
            TurnMetrics metrics) {
        return new TurnEngine(models, sessions, conversations, tools, mcp, tokens, Clock.systemUTC(), meters, metrics);
    }

    @Bean
    StoredConversations storedConversations(SessionClient sessions, ApiProperties properties, MeterRegistry meters) {
        return new StoredConversations(sessions, properties.session().cacheBudget(), meters);
    }
}
