package dev.hotloop.api.config;

import dev.hotloop.api.remote.CircuitBreakerSettings;
import dev.hotloop.api.remote.ConnectionPool;
import dev.hotloop.api.remote.ReplicaAddresses;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.hibernate.validator.constraints.time.DurationMin;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * The edge's own settings.
 *
 * @param maxRequestSize largest request body accepted; larger ones get 413. A body costs several times its size in
 *                       heap while it is read, parsed, counted and answered: keep it a small fraction of the heap
 * @param http           how long the HTTP server waits for clients
 * @param tokenizer      token counting: its threads and its memory
 * @param session        how api-service reaches session-service
 * @param websocket      WebSocket mode ({@code GET /v1/responses} with an upgrade)
 * @param toolRunner     how api-service reaches tool-runner-service for hosted tools
 * @param mcp            the hosted {@code mcp} tool: which servers tenants may reach, and how long calls may take
 * @param streams        the resumable event streams of stored responses, in Redis
 * @param background     background responses: their queue in Redis and this replica's workers
 */
@Validated
@ConfigurationProperties("hotloop.api")
public record ApiProperties(
        @DefaultValue("8MB") DataSize maxRequestSize,
        @DefaultValue @Valid Http http,
        @DefaultValue @Valid Tokenizer tokenizer,
        @DefaultValue @Valid Session session,
        @DefaultValue WebSocket websocket,
        @DefaultValue @Valid ToolRunner toolRunner,
        @DefaultValue @Valid Mcp mcp,
        @DefaultValue @Valid Streams streams,
        @DefaultValue @Valid Background background) {

    /**
     * Background responses ({@code background: true}) wait in one queue in Redis until a worker of any replica claims
     * one; the worker holds a lease on it, renewed every {@code pollInterval}, and a response whose lease expires (its
     * replica died) is ended {@code failed} by another replica.
     *
     * @param workers            background responses this replica runs at once; with 0 it runs none, but still fails
     *                           those of dead replicas
     * @param maxQueued          responses waiting in the queue, all tenants together; past that a create is 429
     * @param maxQueuedPerTenant responses of one tenant waiting in the queue; past that its creates are 429
     * @param leaseTime          how long a claimed response stays its replica's without a renewal; a dead replica's
     *                           responses are failed within about this long
     * @param pollInterval       how often an idle replica looks for queued responses, and a busy one renews its
     *                           leases and learns of cancels: a cancel stops a running response within about this long
     * @param retention          how long the state of a background response that was cancelled or failed stays
     *                           readable (completed ones are stored like any response)
     */
    public record Background(
            @DefaultValue("8") @Min(0) int workers,
            @DefaultValue("1000") @Min(1) int maxQueued,
            @DefaultValue("100") @Min(1) int maxQueuedPerTenant,
            @DefaultValue("30s") @DurationMin(seconds = 1) Duration leaseTime,
            @DefaultValue("200ms") @DurationMin(millis = 10) Duration pollInterval,
            @DefaultValue("24h") @DurationMin(seconds = 1) Duration retention) {}

    /**
     * Every event of a stored, streamed response goes to a Redis Stream, so that any replica can replay it
     * ({@code GET /v1/responses/{id}?stream=true&starting_after=n}) and follow it to its end.
     *
     * @param maxEvents   events kept per response; past that the oldest are dropped, and a replay starting before
     *                    the oldest kept one is refused
     * @param ttl         how long a response's events are kept after its last event
     * @param batchWindow how long an event may wait to be written together with the next ones (one Redis call per
     *                    batch); a replay that follows a live response lags its first client by about this much
     * @param followPoll  how long a follower's blocking read waits for new events before it reads again
     * @param idleTimeout a follower that got no event for this long ends its stream with an {@code error} event (the
     *                    response's replica is gone or stuck)
     */
    public record Streams(
            @DefaultValue("100000") @Min(1) int maxEvents,
            @DefaultValue("1h") @DurationMin(seconds = 1) Duration ttl,
            @DefaultValue("5ms") @DurationMin(millis = 1) Duration batchWindow,
            @DefaultValue("5s") @DurationMin(millis = 10) Duration followPoll,
            @DefaultValue("10m") @DurationMin(millis = 10) Duration idleTimeout) {}

    /**
     * Limits on a client that sends its request body slowly or stops sending it: the request fails with 408 and its
     * connection is closed. Neither applies to responses (SSE streams last as long as the model) nor to WebSocket
     * connections; a connection waiting for a request (or the rest of its headers) is closed after
     * {@code server.netty.idle-timeout}.
     *
     * @param readTimeout longest silence while a request body is being received
     * @param bodyTimeout longest time to receive a whole request body
     */
    public record Http(
            @DefaultValue("15s") @DurationMin(millis = 100) Duration readTimeout,
            @DefaultValue("60s") @DurationMin(millis = 100) Duration bodyTimeout) {}

    /**
     * Token counting of long inputs runs on threads of its own, never on an event loop.
     *
     * @param threads           threads counting long inputs
     * @param maxQueued         long inputs waiting for a thread; past that a request is refused with 503
     *                          {@code server_is_overloaded}
     * @param preambleCacheSize memory for the remembered counts of instructions and tool definitions, weighed by the
     *                          text each entry holds
     * @param textCacheSize     memory for the remembered counts of long texts, weighed by the text each entry holds:
     *                          a client that resends its whole history every turn has it counted once
     */
    public record Tokenizer(
            @DefaultValue("2") @Min(1) int threads,
            @DefaultValue("256") @Min(1) int maxQueued,
            @DefaultValue("32MB") DataSize preambleCacheSize,
            @DefaultValue("64MB") DataSize textCacheSize) {}

    /**
     * @param url                base URL of tool-runner-service when it is one replica (or one address in front of
     *                           several)
     * @param replicas           base URLs of the tool-runner replicas; when set they replace {@code url}, and every
     *                           call of a chain goes to the same replica (rendezvous hashing of its chain tag), where
     *                           its workspace is
     * @param dns                {@code <name>:<port>} (or {@code http://<name>:<port>}) where {@code <name>}
     *                           resolves to every replica (a Kubernetes headless service); when set it replaces
     *                           {@code replicas} and {@code url}, and is resolved again every {@code dnsRefresh}
     * @param dnsRefresh         how often {@code dns} is resolved again
     * @param connectTimeout     TCP connect timeout; a replica that cannot be reached in time is skipped for the next
     * @param callTimeout        limit for one hosted tool call, sandbox time included (a time limiter)
     * @param maxConcurrentCalls calls in flight from this replica (a bulkhead); more fail fast as overloaded
     * @param maxIdleTime        an idle pooled connection is closed after this
     * @param maxResultSize      largest result body read from tool-runner
     * @param pool               the connection pool
     * @param circuitBreaker     the breaker of each replica; a refused call (4xx) never counts
     */
    public record ToolRunner(
            @DefaultValue("http://127.0.0.1:8082") URI url,
            @DefaultValue List<URI> replicas,
            @Nullable URI dns,
            @DefaultValue("10s") @DurationMin(seconds = 1) Duration dnsRefresh,
            @DefaultValue("2s") @DurationMin(millis = 1) Duration connectTimeout,
            @DefaultValue("5m") @DurationMin(millis = 1) Duration callTimeout,
            @DefaultValue("64") @Min(1) int maxConcurrentCalls,
            @DefaultValue("30s") @DurationMin(millis = 1) Duration maxIdleTime,
            @DefaultValue("64MB") DataSize maxResultSize,
            @DefaultValue @Valid ConnectionPool pool,
            @DefaultValue @Valid CircuitBreakerSettings circuitBreaker)
            implements ReplicaAddresses {}

    /**
     * @param maxFrameSize      largest {@code response.create} frame (after permessage-deflate)
     * @param maxConnectionAge  a connection ends after this, with {@code websocket_connection_limit_reached}
     * @param idleTimeout       a connection with nothing in flight and no frame for this long is closed
     * @param pingInterval      server pings keep intermediaries from dropping quiet connections
     * @param maxInFlight       queued or running creates per connection; more are refused
     * @param maxLanes          distinct {@code stream_id} lanes per connection
     * @param maxBufferedFrames frames held for a client that does not read; past that the connection closes
     * @param cacheBudget       memory for the conversations all connections keep, every lane's latest included;
     *                          past it the least recently used are dropped (see {@code ConversationCache})
     * @param drainTimeout      on shutdown, how long connections may finish their running responses before they
     *                          are closed with 1001 anyway; keep it below
     *                          {@code spring.lifecycle.timeout-per-shutdown-phase}
     */
    public record WebSocket(
            @DefaultValue("16MB") DataSize maxFrameSize,
            @DefaultValue("60m") Duration maxConnectionAge,
            @DefaultValue("15m") Duration idleTimeout,
            @DefaultValue("30s") Duration pingInterval,
            @DefaultValue("16") int maxInFlight,
            @DefaultValue("32") int maxLanes,
            @DefaultValue("4096") int maxBufferedFrames,
            @DefaultValue("256MB") DataSize cacheBudget,
            @DefaultValue("30s") Duration drainTimeout) {}

    /**
     * @param url                base URL of session-service when it is one replica (or one address in front of
     *                           several)
     * @param replicas           base URLs of the session-service replicas; when set they replace {@code url}, and
     *                           every call of a chain goes to the same replica (rendezvous hashing of its chain tag),
     *                           so that replica's near cache serves it
     * @param dns                {@code <name>:<port>} (or {@code http://<name>:<port>}) where {@code <name>}
     *                           resolves to every replica (a Kubernetes headless service); when set it replaces
     *                           {@code replicas} and {@code url}, and is resolved again every {@code dnsRefresh}
     * @param dnsRefresh         how often {@code dns} is resolved again (mind the JDK's own cache,
     *                           {@code networkaddress.cache.ttl}, 30s by default)
     * @param connectTimeout     TCP connect timeout; a replica that cannot be reached in time is skipped for the next
     * @param readTimeout        limit for one call, reads and writes alike (between network reads of its answer)
     * @param readRetries        extra attempts for idempotent reads that failed on I/O, a timeout or a 502-504;
     *                           never for a 4xx
     * @param retryBackoff       wait before each extra attempt
     * @param maxConcurrentCalls calls in flight from this replica (a bulkhead); more fail fast as unavailable
     * @param maxIdleTime        an idle pooled connection is closed after this
     * @param pool               the connection pool
     * @param circuitBreaker     the breaker of each replica; a 4xx or a 500 for one response never counts
     * @param cacheBudget        memory for the conversations this replica stored last, the latest of each chain, so
     *                           that continuing one only asks session-service whether it still exists (see
     *                           {@code StoredConversations}); {@code 0} turns it off
     */
    public record Session(
            @DefaultValue("http://127.0.0.1:8081") URI url,
            @DefaultValue List<URI> replicas,
            @Nullable URI dns,
            @DefaultValue("10s") @DurationMin(seconds = 1) Duration dnsRefresh,
            @DefaultValue("2s") @DurationMin(millis = 1) Duration connectTimeout,
            @DefaultValue("5s") @DurationMin(millis = 1) Duration readTimeout,
            @DefaultValue("2") @Min(0) int readRetries,
            @DefaultValue("50ms") Duration retryBackoff,
            @DefaultValue("1000") @Min(1) int maxConcurrentCalls,
            @DefaultValue("30s") @DurationMin(millis = 1) Duration maxIdleTime,
            @DefaultValue @Valid ConnectionPool pool,
            @DefaultValue @Valid CircuitBreakerSettings circuitBreaker,
            @DefaultValue("128MB") DataSize cacheBudget)
            implements ReplicaAddresses {}

    /**
     * The hosted {@code mcp} tool. api-service connects to the MCP servers a request names, so only its pods need
     * egress to them; tool-runner, which runs untrusted commands, keeps none.
     *
     * @param allowedUrls       URL prefixes every tenant's {@code mcp} tools may name
     * @param tenantAllowedUrls tenant → URL prefixes its {@code mcp} tools may name, besides {@code allowedUrls}. A
     *                          tenant with any entry reaches only URLs under its entries, and those may be private
     *                          addresses; a tenant without any reaches only URLs whose host resolves to public
     *                          addresses (no loopback, private, link-local or shared ranges: SSRF)
     * @param connectTimeout    TCP connect to an MCP server
     * @param listTimeout     limit for connecting, initializing the session and listing a server's tools; a late or
     *                        failed listing is an {@code mcp_list_tools} item with an error, which the model is told
     * @param callTimeout     limit for one tool call; a late call is an {@code mcp_call} with an error the model sees
     * @param maxOutputLength longest output of one call the model sees, in characters; longer outputs are cut with
     *                        a note
     * @param maxMessageSize  largest message read from an MCP server
     * @param maxBreakers     servers (scheme, host and port) whose circuit breakers are remembered, least recently
     *                        used forgotten first
     * @param circuitBreaker  the breaker of each server: connect, listing and call failures and timeouts count, a
     *                        tool's own error result does not; while open, calls fail at once with an error the
     *                        model sees
     */
    public record Mcp(
            @DefaultValue List<String> allowedUrls,
            Map<String, List<String>> tenantAllowedUrls,
            @DefaultValue("5s") @DurationMin(millis = 1) Duration connectTimeout,
            @DefaultValue("20s") @DurationMin(millis = 1) Duration listTimeout,
            @DefaultValue("60s") @DurationMin(millis = 1) Duration callTimeout,
            @DefaultValue("100000") @Min(1) int maxOutputLength,
            @DefaultValue("8MB") DataSize maxMessageSize,
            @DefaultValue("1000") @Min(1) int maxBreakers,
            @DefaultValue @Valid CircuitBreakerSettings circuitBreaker) {

        public Mcp {
            tenantAllowedUrls = tenantAllowedUrls == null ? Map.of() : Map.copyOf(tenantAllowedUrls);
        }
    }
}
