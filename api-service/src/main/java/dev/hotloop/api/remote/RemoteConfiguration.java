package dev.hotloop.api.remote;

import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedBulkheadMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedRetryMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedTimeLimiterMetrics;
import io.github.resilience4j.retry.RetryRegistry;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * What every remote client shares: the Resilience4j registries (with their metrics: {@code resilience4j_*}) that
 * session-service, tool-runner and model upstream calls register their guards in, and {@link RemoteClients}. Each
 * guard is configured where it is created, from its client's properties; the registries' defaults are never used.
 */
@Configuration(proxyBeanMethods = false)
class RemoteConfiguration {

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
    BulkheadRegistry bulkheadRegistry(MeterRegistry meters) {
        BulkheadRegistry registry = BulkheadRegistry.ofDefaults();
        TaggedBulkheadMetrics.ofBulkheadRegistry(registry).bindTo(meters);
        return registry;
    }

    @Bean
    TimeLimiterRegistry timeLimiterRegistry(MeterRegistry meters) {
        TimeLimiterRegistry registry = TimeLimiterRegistry.ofDefaults();
        TaggedTimeLimiterMetrics.ofTimeLimiterRegistry(registry).bindTo(meters);
        return registry;
    }

    @Bean
    RemoteClients remoteClients(
            ObjectProvider<WebClient.Builder> builders,
            ObjectProvider<HttpClientCustomizer> customizers,
            CircuitBreakerRegistry circuitBreakers,
            MeterRegistry meters) {
        // Boot's builder is a prototype: a fresh one, with every WebClientCustomizer applied, per client
        return new RemoteClients(
                builders::getObject, customizers.orderedStream().toList(), circuitBreakers, meters);
    }
}
