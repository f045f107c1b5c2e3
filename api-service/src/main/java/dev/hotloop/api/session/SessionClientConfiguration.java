package dev.hotloop.api.session;

import dev.hotloop.api.config.ApiProperties;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedRetryMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.netty.channel.ChannelOption;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * The pooled keep-alive HTTP client to session-service, the replicas it routes over (from {@code dns}, else
 * {@code replicas}, else {@code url}) with a circuit breaker each, and its read retry.
 */
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
    SessionReplicas sessionReplicas(ApiProperties properties, CircuitBreakerRegistry circuitBreakers, MeterRegistry meters) {
        ApiProperties.Session session = properties.session();
        // 404s and other answers of a healthy replica never open its circuit
        CircuitBreakerConfig breakerConfig = CircuitBreakerConfig.from(circuitBreakers.getDefaultConfig())
                .recordException(SessionClient::retryable)
                .build();
        SessionReplicas replicas = new SessionReplicas(
                baseUrl -> circuitBreakers.circuitBreaker(breakerName(baseUrl), breakerConfig),
                baseUrl -> circuitBreakers.remove(breakerName(baseUrl)));
        // an empty value (HOTLOOP_API_SESSION_DNS= in a template) means unset
        if (session.dns() != null && !session.dns().toString().isEmpty()) {
            replicas.discoverWith(new DnsReplicaDiscovery(session.dns(), session.dnsRefresh(), replicas, InetAddress::getAllByName));
        } else {
            List<URI> baseUrls = session.replicas().isEmpty() ? List.of(session.url()) : session.replicas();
            replicas.update(baseUrls.stream().map(URI::toString).toList());
        }
        Gauge.builder("hotloop.session.replicas", replicas, known -> known.all().size())
                .description("session-service replicas calls are routed over").register(meters);
        return replicas;
    }

    @Bean
    SessionClient sessionClient(ApiProperties properties, SessionReplicas replicas, RetryRegistry retries, MeterRegistry meters,
                                ObservationRegistry observations) {
        ApiProperties.Session session = properties.session();
        HttpClient httpClient = HttpClient.create(ConnectionProvider.builder(NAME).maxConnections(500)
                        .maxIdleTime(Duration.ofSeconds(30)).build())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) session.connectTimeout().toMillis())
                .responseTimeout(session.readTimeout());
        // Boot 4.1.1's spring-boot-webclient module is not on Maven Central, so the builder is configured here.
        // No base URL: each call names its replica's, over the one pool (kept per host and port by Reactor Netty).
        WebClient http = WebClient.builder()
                .observationRegistry(observations) // client spans, and W3C trace context to session-service
                .clientConnector(new ReactorClientHttpConnector(httpClient))
                .codecs(codecs -> codecs.defaultCodecs().maxInMemorySize((int) properties.maxRequestSize().toBytes() * 4))
                .build();
        Retry readRetry = retries.retry(NAME + "-read", RetryConfig.custom()
                .maxAttempts(session.readRetries() + 1)
                .waitDuration(Duration.ofMillis(50))
                .retryOnException(SessionClient::retryable)
                .build());
        Counter failovers = Counter.builder("hotloop.session.failovers")
                .description("Calls that went on to the next session-service replica because theirs was unreachable")
                .register(meters);
        return new SessionClient(http, replicas, readRetry, failovers::increment);
    }

    private static String breakerName(String baseUrl) {
        return NAME + " " + baseUrl;
    }
}
