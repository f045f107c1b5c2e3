package dev.hotloop.api.security;

import dev.hotloop.protocol.error.ApiException;
import org.jspecify.annotations.Nullable;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Authenticates every {@code /v1/} call by its {@code Authorization: Bearer} key and records the caller's
 * tenant on the exchange; a missing or unknown key is a 401 before any work is done (also for WebSocket upgrades).
 */
@Component
@Order(ApiKeyFilter.ORDER)
public class ApiKeyFilter implements WebFilter {

    /** Filters that need the tenant order themselves after this. */
    public static final int ORDER = 0;

    private static final String TENANT_ATTRIBUTE = ApiKeyFilter.class.getName() + ".tenant";
    private static final String AUTH_NANOS_ATTRIBUTE = ApiKeyFilter.class.getName() + ".nanos";
    private static final String ARRIVED_ATTRIBUTE = ApiKeyFilter.class.getName() + ".arrived";
    private static final String BEARER = "Bearer ";

    private final ApiKeys apiKeys;

    public ApiKeyFilter(ApiKeys apiKeys) {
        this.apiKeys = apiKeys;
    }

    /** The authenticated tenant of a request that passed this filter. */
    public static String tenant(ServerWebExchange exchange) {
        return exchange.getRequiredAttribute(TENANT_ATTRIBUTE);
    }

    /** How long authenticating the request took (the {@code auth} stage). */
    public static long authNanos(ServerWebExchange exchange) {
        Long nanos = exchange.getAttribute(AUTH_NANOS_ATTRIBUTE);
        return nanos == null ? 0 : nanos;
    }

    /**
     * When the request reached the first {@code /v1/} filter ({@link System#nanoTime()}), where a turn starts: what
     * authenticating and limiting it take is overhead too; {@code otherwise} when it did not pass this filter.
     */
    public static long arrivedNanos(ServerWebExchange exchange, long otherwise) {
        Long nanos = exchange.getAttribute(ARRIVED_ATTRIBUTE);
        return nanos == null ? otherwise : nanos;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (!exchange.getRequest().getPath().value().startsWith("/v1/")) {
            return chain.filter(exchange);
        }
        long started = System.nanoTime();
        String key = bearerKey(exchange.getRequest().getHeaders());
        if (key == null) {
            return Mono.error(ApiException.unauthorized("You didn't provide an API key. You need to provide your API "
                    + "key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY)."));
        }
        return apiKeys.tenantOf(key)
                .map(tenant -> {
                    exchange.getAttributes().put(TENANT_ATTRIBUTE, tenant);
                    exchange.getAttributes().put(ARRIVED_ATTRIBUTE, started);
                    exchange.getAttributes().put(AUTH_NANOS_ATTRIBUTE, System.nanoTime() - started);
                    return chain.filter(exchange);
                })
                .orElseGet(() ->
                        Mono.error(ApiException.unauthorized("Incorrect API key provided: " + redact(key) + ".")));
    }

    /** The key of an {@code Authorization: Bearer} header, or null when there is none. */
    public static @Nullable String bearerKey(HttpHeaders headers) {
        String header = headers.getFirst(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return null;
        }
        return header.substring(BEARER.length()).trim();
    }

    private static String redact(String key) {
        return key.length() <= 8 ? "****" : key.substring(0, 3) + "****" + key.substring(key.length() - 4);
    }
}
