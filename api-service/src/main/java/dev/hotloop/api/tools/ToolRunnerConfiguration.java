package dev.hotloop.api.tools;

import dev.hotloop.api.config.ApiProperties;
import dev.hotloop.api.remote.RemoteClients;
import dev.hotloop.api.remote.Replicas;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;
import java.time.Duration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The client of tool-runner-service: the replicas it routes chains over (from {@code dns}, else {@code replicas},
 * else {@code url}) with a circuit breaker each, its bulkhead and time limiter, all from
 * {@code hotloop.api.tool-runner}.
 */
@Configuration(proxyBeanMethods = false)
class ToolRunnerConfiguration {

    static final String NAME = "tool-runner";

    @Bean
    Replicas toolRunnerReplicas(ApiProperties properties, RemoteClients clients) {
        ApiProperties.ToolRunner settings = properties.toolRunner();
        return clients.replicas(
                NAME, "hotloop.api.tool-runner", settings, settings.circuitBreaker(), "hotloop.toolrunner");
    }

    @Bean
    ToolRunnerClient toolRunnerClient(
            ApiProperties properties,
            Replicas toolRunnerReplicas,
            RemoteClients clients,
            BulkheadRegistry bulkheads,
            TimeLimiterRegistry timeLimiters) {
        ApiProperties.ToolRunner settings = properties.toolRunner();
        // no response timeout: a call takes as long as its commands, up to the time limiter's limit
        WebClient http = clients.builder(
                        NAME,
                        settings.pool(),
                        settings.connectTimeout(),
                        settings.maxIdleTime(),
                        null,
                        settings.maxResultSize())
                .build();
        Bulkhead bulkhead = bulkheads.bulkhead(
                NAME,
                BulkheadConfig.custom()
                        .maxConcurrentCalls(settings.maxConcurrentCalls())
                        .maxWaitDuration(Duration.ZERO)
                        .build());
        TimeLimiter timeLimiter = timeLimiters.timeLimiter(
                NAME,
                TimeLimiterConfig.custom()
                        .timeoutDuration(settings.callTimeout())
                        .cancelRunningFuture(true)
                        .build());
        return new ToolRunnerClient(http, toolRunnerReplicas, bulkhead, timeLimiter);
    }
}
