package dev.hotloop.api.tools;

import dev.hotloop.api.config.ApiProperties;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedBulkheadMetrics;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.netty.channel.ChannelOption;
import java.time.Duration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/** The pooled HTTP client to tool-runner-service and the Resilience4j guards around it. */
@Configuration(proxyBeanMethods = false)
class ToolRunnerConfiguration {

    static final String NAME = "tool-runner";

    @Bean
    ToolRunnerClient toolRunnerClient(ApiProperties properties, CircuitBreakerRegistry circuitBreakers,
                                      MeterRegistry meters, ObservationRegistry observations) {
        ApiProperties.ToolRunner settings = properties.toolRunner();
        HttpClient httpClient = HttpClient.create(ConnectionProvider.builder(NAME)
                        .maxConnections(settings.maxConcurrentCalls()).maxIdleTime(Duration.ofSeconds(30)).build())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) settings.connectTimeout().toMillis());
        WebClient http = WebClient.builder().baseUrl(settings.url().toString())
                .observationRegistry(observations) // client spans, and W3C trace context to tool-runner
                .clientConnector(new ReactorClientHttpConnector(httpClient))
                .codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(64 * 1024 * 1024))
                .build();
        BulkheadRegistry bulkheads = BulkheadRegistry.of(BulkheadConfig.custom()
                .maxConcurrentCalls(settings.maxConcurrentCalls()).maxWaitDuration(Duration.ZERO).build());
        TaggedBulkheadMetrics.ofBulkheadRegistry(bulkheads).bindTo(meters);
        Bulkhead bulkhead = bulkheads.bulkhead(NAME);
        TimeLimiter timeLimiter = TimeLimiter.of(NAME, TimeLimiterConfig.custom()
                .timeoutDuration(settings.callTimeout()).cancelRunningFuture(true).build());
        return new ToolRunnerClient(http, bulkhead, timeLimiter, circuitBreakers.circuitBreaker(NAME));
    }
}
