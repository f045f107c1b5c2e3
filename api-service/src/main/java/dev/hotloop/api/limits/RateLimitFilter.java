package dev.hotloop.api.limits;

import dev.hotloop.api.security.ApiKeyFilter;
import dev.hotloop.api.transport.EventLoops;
import java.util.Objects;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Checks every authenticated {@code /v1/} call against its tenant's limits before any work is done: a response
 * ({@code POST /v1/responses}, {@code /compact}) also by its estimated tokens and a concurrent-response slot held
 * until it is written, a WebSocket handshake by a connection slot held while the connection is open. Every answer
 * carries OpenAI's {@code x-ratelimit-*} headers; a refused call is a 429 with {@code retry-after}.
 * {@code response.create} frames on a WebSocket are checked by the connection, frame by frame.
 */
@Component
@Order(ApiKeyFilter.ORDER + 1)
public class RateLimitFilter implements WebFilter {

    private final TenantLimiter limiter;

    public RateLimitFilter(TenantLimiter limiter) {
        this.limiter = limiter;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        // past ApiKeyFilter, every /v1/ call is authenticated
        if (!limiter.enabled() || !exchange.getRequest().getPath().value().startsWith("/v1/")) {
            return chain.filter(exchange);
        }
        return limiter.admit(ApiKeyFilter.tenant(exchange), demand(exchange.getRequest()))
                .publishOn(EventLoops.of(exchange))
                .flatMap(grant -> {
                    grant.writeHeaders(exchange.getResponse().getHeaders());
                    if (!grant.admitted()) {
                        return Mono.error(Objects.requireNonNull(grant.refusal()));
                    }
                    Mono<Void> handled = chain.filter(exchange).contextWrite(grant::into);
                    // a response's slot is held until it is written or the client leaves; a connection's ends after
                    // the handshake, so its WebSocket handler releases the slot, unless the upgrade failed
                    return grant.kind() == Demand.Kind.CONNECTION
                            ? handled.doOnError(failure -> grant.release()).doOnCancel(grant::release)
                            : handled.doFinally(signal -> grant.release());
                });
    }

    private static Demand demand(ServerHttpRequest request) {
        String path = request.getPath().value();
        if (HttpMethod.POST.equals(request.getMethod())
                && (path.equals("/v1/responses") || path.equals("/v1/responses/compact"))) {
            // chunked bodies, with no declared length, are charged their actual usage when they end
            return Demand.response(Math.max(0, request.getHeaders().getContentLength()));
        }
        if (HttpMethod.GET.equals(request.getMethod())
                && "websocket".equalsIgnoreCase(request.getHeaders().getFirst(HttpHeaders.UPGRADE))) {
            return Demand.connection();
        }
        return Demand.call();
    }
}
