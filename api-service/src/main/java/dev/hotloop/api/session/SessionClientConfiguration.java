package dev.hotloop.api.session;

import dev.hotloop.api.config.ApiProperties;
import dev.hotloop.api.remote.RemoteClients;
import dev.hotloop.api.remote.RemoteFailures;
import dev.hotloop.api.remote.Replicas;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import java.time.Duration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.unit.DataSize;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The client of session-service: the replicas it routes over (from {@code dns}, else {@code replicas}, else
 * {@code url}) with a circuit breaker each, its bulkhead and its read retry, all from {@code hotloop.api.session}.
 */
@Configuration(proxyBeanMethods = false)
class SessionClientConfiguration {

    static final String NAME = "session-service";

    @Bean
    Replicas sessionReplicas(ApiProperties properties, RemoteClients clients) {
        ApiProperties.Session session = properties.session();
        return clients.replicas(NAME, "hotloop.api.session", session, session.circuitBreaker(), "hotloop.session");
    }

    @Bean
    SessionClient sessionClient(
            ApiProperties properties,
            Replicas sessionReplicas,
            RemoteClients clients,
            BulkheadRegistry bulkheads,
            RetryRegistry retries) {
        ApiProperties.Session session = properties.session();
        // no base URL: each call names its replica's, over the one pool
        WebClient http = clients.builder(
                        NAME,
                        session.pool(),
                        session.connectTimeout(),
                        session.maxIdleTime(),
                        session.readTimeout(),
                        maxContextSize(properties.maxRequestSize()))
                .build();
        Bulkhead bulkhead = bulkheads.bulkhead(
                NAME,
                BulkheadConfig.custom()
                        .maxConcurrentCalls(session.maxConcurrentCalls())
                        .maxWaitDuration(Duration.ZERO)
                        .build());
        Retry readRetry = retries.retry(
                NAME + "-read",
                RetryConfig.custom()
                        .maxAttempts(session.readRetries() + 1)
                        .waitDuration(session.retryBackoff())
                        .retryOnException(RemoteFailures::isDependencyFailure)
                        .build());
        return new SessionClient(http, sessionReplicas, bulkhead, readRetry);
    }

    /** Largest context read back: four requests' worth, in {@code long} (as an {@code int} it wraps at 512 MB). */
    static DataSize maxContextSize(DataSize maxRequestSize) {
        return DataSize.ofBytes(maxRequestSize.toBytes() * 4);
    }
}
