package dev.hotloop.api.remote;

import jakarta.validation.constraints.Min;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The keep-alive connection pool of a remote client (one pool per client, kept per host and port by Reactor Netty).
 *
 * @param maxConnections        connections per host and port; more requests wait for one
 * @param maxPendingAcquires    requests that may wait for a connection; more fail at once ({@code -1}: no limit)
 * @param pendingAcquireTimeout longest wait for a connection
 * @param maxLifeTime           a connection is retired after this, so new replicas behind one address get traffic
 */
public record ConnectionPool(
        @DefaultValue("500") @Min(1) int maxConnections,
        @DefaultValue("1000") @Min(-1) int maxPendingAcquires,
        @DefaultValue("5s") @DurationMin(millis = 1) Duration pendingAcquireTimeout,
        @DefaultValue("10m") @DurationMin(millis = 1) Duration maxLifeTime) {}
