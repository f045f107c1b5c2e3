package dev.hotloop.api.session;

import dev.hotloop.api.config.ApiProperties;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedRetryMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ChannelOption;
import java.time.Duration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/** The pooled keep-alive HTTP client to session-service, with its circuit breaker and read retry. */
@Configuration(proxyBeanMethods = false)
class SessionClientConfiguration {

    static final String NAME = "session-service";

    @Bean
    CircuitBreakerRegistry circuitBreakerRegistry(MeterRegistry meters) {
        CircuitBreakerRegistry registry = CircuitBreakerRegistry.ofDefaults();
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(registry).bindTo(meters);
        return registry;
    }

    @Bean
    RetryRegistry retryRegistry(MeterRegistry meters) {
        RetryRegistry registry = RetryRegistry.ofDefaults();
        TaggedRetryMetrics.ofRetryRegistry(registry).bindTo(meters);
        return registry;
    }

    @Bean
    SessionClient sessionClient(ApiProperties properties, CircuitBreakerRegistry circuitBreakers, RetryRegistry retries) {
        ApiProperties.Session session = properties.session();
        HttpClient httpClient = HttpClient.create(ConnectionProvider.builder(NAME).maxConnections(500)
                        .maxIdleTime(Duration.ofSeconds(30)).build())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) session.connectTimeout().toMillis())
                .responseTimeout(session.readTimeout());
        // Boot 4.1.1's spring-boot-webclient module is not on Maven Central, so the builder is configured here
        WebClient http = WebClient.builder().baseUrl(session.url().toString())
                .clientConnector(new ReactorClientHttpConnector(httpClient))
                .codecs(codecs -> codecs.defaultCodecs().maxInMemorySize((int) properties.maxRequestSize().toBytes() * 4))
                .build();
        CircuitBreaker circuitBreaker = circuitBreakers.circuitBreaker(NAME);
        Retry readRetry = retries.retry(NAME + "-read", RetryConfig.custom()
                .maxAttempts(session.readRetries() + 1)
                .waitDuration(Duration.ofMillis(50))
                .retryOnException(SessionClient::retryable)
                .build());
        return new SessionClient(http, circuitBreaker, readRetry);
    }
}
