package dev.hotloop.session;

import java.time.Duration;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of session-service.
 *
 * @param ttl how long a chain's keys live after the last write or read of one of its responses
 * @param nearCache the in-process cache of hot response state in front of Redis
 */
@Validated
@ConfigurationProperties("hotloop.session")
public record SessionProperties(@DefaultValue("30d") @NotNull @DurationMin(seconds = 1) Duration ttl,
                                @DefaultValue @NotNull @Valid NearCache nearCache) {

    /** Settings with the default near cache, for tests and tools that only choose the TTL. */
    public static SessionProperties withTtl(Duration ttl) {
        return new SessionProperties(ttl, new NearCache(true, DataSize.ofMegabytes(128), Duration.ofMinutes(10)));
    }

    /**
     * @param enabled whether reads are served from, and stores fill, the near cache
     * @param maxSize memory bound of the cached response JSON and context items (estimated from their length)
     * @param ttl how long an entry lives after it was written; capped at half of {@code hotloop.session.ttl}, so
     *     a cached entry always expires before Redis could drop what it mirrors
     */
    public record NearCache(@DefaultValue("true") boolean enabled,
                            @DefaultValue("128MB") @NotNull DataSize maxSize,
                            @DefaultValue("10m") @NotNull @DurationMin(seconds = 1) Duration ttl) {
    }
}
