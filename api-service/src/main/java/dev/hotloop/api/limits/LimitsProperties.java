package dev.hotloop.api.limits;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Positive;
import java.time.Duration;
import java.util.Map;
import org.hibernate.validator.constraints.time.DurationMin;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Per-tenant limits, enforced across all api-service replicas through Redis ({@code spring.data.redis.*}).
 *
 * @param enabled        whether limits are enforced at all; off, no request touches Redis and no
 *                       {@code x-ratelimit-*} header is sent
 * @param defaults       the limits of every tenant without an override
 * @param tenants        overrides by tenant (the tenant part of {@code hotloop.security.api-keys}); a field left out
 *                       keeps its default, e.g. {@code hotloop.api.limits.tenants.acme.tokens-per-minute=2000000}
 * @param leaseTtl       how long a concurrent-response or connection slot outlives a replica that stopped renewing
 *                       it (a crash); live slots are renewed every third of this
 * @param redisTimeout   longest a check waits for Redis before this replica decides alone (fail open, see
 *                       {@link TenantLimiter})
 * @param redisRetryWait after Redis failed repeatedly, how long this replica decides alone before it tries Redis
 *                       again
 */
@Validated
@ConfigurationProperties("hotloop.api.limits")
public record LimitsProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue @Valid Limits defaults,
        @DefaultValue Map<String, @Valid TenantLimits> tenants,
        @DefaultValue("30s") @DurationMin(seconds = 1) Duration leaseTtl,
        @DefaultValue("250ms") @DurationMin(millis = 1) Duration redisTimeout,
        @DefaultValue("5s") @DurationMin(millis = 1) Duration redisRetryWait) {

    /**
     * A tenant's limits.
     *
     * @param requestsPerMinute    API calls per minute (every {@code /v1/} request, WebSocket handshakes and
     *                             {@code response.create} frames included), refilled continuously
     * @param tokensPerMinute      tokens per minute: a response is charged its request size in bytes / 4 when it
     *                             starts and settled to its {@code usage.total_tokens} when it ends; a single request
     *                             estimated above this is refused
     * @param concurrentResponses  responses (and compactions) running at once, over every transport
     * @param websocketConnections WebSocket connections open at once
     */
    public record Limits(
            @DefaultValue("6000") @Positive int requestsPerMinute,
            @DefaultValue("10000000") @Positive int tokensPerMinute,
            @DefaultValue("64") @Positive int concurrentResponses,
            @DefaultValue("256") @Positive int websocketConnections) {}

    /**
     * One tenant's limits; an unset field keeps the default.
     *
     * @param requestsPerMinute    see {@link Limits#requestsPerMinute()}
     * @param tokensPerMinute      see {@link Limits#tokensPerMinute()}
     * @param concurrentResponses  see {@link Limits#concurrentResponses()}
     * @param websocketConnections see {@link Limits#websocketConnections()}
     */
    public record TenantLimits(
            @Nullable @Positive Integer requestsPerMinute,
            @Nullable @Positive Integer tokensPerMinute,
            @Nullable @Positive Integer concurrentResponses,
            @Nullable @Positive Integer websocketConnections) {}

    /** The limits that apply to {@code tenant}. */
    public Limits of(String tenant) {
        TenantLimits override = tenants.get(tenant);
        if (override == null) {
            return defaults;
        }
        return new Limits(
                or(override.requestsPerMinute(), defaults.requestsPerMinute()),
                or(override.tokensPerMinute(), defaults.tokensPerMinute()),
                or(override.concurrentResponses(), defaults.concurrentResponses()),
                or(override.websocketConnections(), defaults.websocketConnections()));
    }

    private static int or(@Nullable Integer value, int fallback) {
        return value == null ? fallback : value;
    }
}
