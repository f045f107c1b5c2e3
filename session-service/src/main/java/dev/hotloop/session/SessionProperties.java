package dev.hotloop.session;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
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
 * @param redis how stored turns are made durable in Redis
 */
@Validated
@ConfigurationProperties("hotloop.session")
public record SessionProperties(
        @DefaultValue("30d") @NotNull @DurationMin(seconds = 1)
        Duration ttl,

        @DefaultValue @NotNull @Valid NearCache nearCache,
        @DefaultValue @NotNull @Valid Redis redis) {

    /** Settings with the default near cache and no replica acknowledgement, for tests and tools that only choose the TTL. */
    public static SessionProperties withTtl(Duration ttl) {
        return new SessionProperties(
                ttl,
                new NearCache(true, DataSize.ofMegabytes(128), Duration.ofMinutes(10)),
                new Redis(0, Duration.ofSeconds(1)));
    }

    /**
     * @param enabled whether reads are served from, and stores fill, the near cache
     * @param maxSize memory bound of the cached response JSON and context items (estimated from their length)
     * @param ttl how long an entry lives after it was written; capped at half of {@code hotloop.session.ttl}, so
     *     a cached entry always expires before Redis could drop what it mirrors
     */
    public record NearCache(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("128MB") @NotNull DataSize maxSize,

            @DefaultValue("10m") @NotNull @DurationMin(seconds = 1)
            Duration ttl) {}

    /**
     * @param replicaAcks how many replicas must have a stored turn before it is acknowledged: after each store,
     *     {@code WAIT replicaAcks replicaAckTimeout} on the connection that wrote it; a store fewer replicas confirm
     *     in time is answered 503 (the primary has it, a failover may lose it). 0 (the default) waits for none: a
     *     failover may then lose the turns of the last moments before it
     * @param replicaAckTimeout how long a store waits for its replicas
     */
    public record Redis(
            @DefaultValue("0") @Min(0) int replicaAcks,

            @DefaultValue("1s") @NotNull @DurationMin(millis = 1)
            Duration replicaAckTimeout) {}
}
