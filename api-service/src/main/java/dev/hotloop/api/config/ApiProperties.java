package dev.hotloop.api.config;

import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * The edge's own settings.
 *
 * @param maxRequestSize largest request body accepted; larger ones get 413
 * @param session        how api-service reaches session-service
 */
@Validated
@ConfigurationProperties("hotloop.api")
public record ApiProperties(@DefaultValue("32MB") DataSize maxRequestSize, @DefaultValue Session session) {

    /**
     * @param url            base URL of session-service
     * @param connectTimeout TCP connect timeout
     * @param readTimeout    limit for one call, reads and writes alike
     * @param readRetries    extra attempts for idempotent reads that failed on I/O or a 5xx
     */
    public record Session(@DefaultValue("http://127.0.0.1:8081") URI url,
                          @DefaultValue("2s") Duration connectTimeout,
                          @DefaultValue("5s") Duration readTimeout,
                          @DefaultValue("2") int readRetries) {
    }
}
