package dev.hotloop.api.loop;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.EncodingType;
import dev.hotloop.api.model.ModelCatalog;
import dev.hotloop.api.session.SessionClient;
import dev.hotloop.api.tokens.TokenCounter;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the engine: one tokenizer per process (loading o200k_base takes ~0.3 s), the model catalog, the store. */
@Configuration(proxyBeanMethods = false)
class LoopConfiguration {

    @Bean
    TokenCounter tokenCounter() {
        return new TokenCounter(Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.O200K_BASE));
    }

    @Bean
    TurnEngine turnEngine(ModelCatalog models, SessionClient sessions, TokenCounter tokens) {
        return new TurnEngine(models, sessions, tokens, Clock.systemUTC());
    }
}
