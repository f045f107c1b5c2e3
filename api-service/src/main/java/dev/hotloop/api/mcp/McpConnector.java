package dev.hotloop.api.mcp;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.hotloop.api.config.ApiProperties;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.reactor.circuitbreaker.operator.CircuitBreakerOperator;
import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.transport.HttpClientSseClientTransport;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.client.transport.customizer.McpSyncHttpClientRequestCustomizer;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import reactor.core.publisher.Mono;

/**
 * Opens MCP client sessions with the official SDK: Streamable HTTP, or the older HTTP+SSE transport for a URL whose
 * path ends in {@code /sse}. Every server (scheme, host and port) has a circuit breaker; connecting, listing and
 * calling go through it with their time limits. Breakers are kept for {@code maxBreakers} servers and not published
 * as metrics: server URLs come from requests, an unbounded set.
 */
public final class McpConnector {

    private static final McpSchema.Implementation CLIENT = new McpSchema.Implementation("hotloop", "1");

    private final ApiProperties.Mcp settings;
    private final CircuitBreakerConfig breakerConfig;
    private final Cache<String, CircuitBreaker> breakers;

    public McpConnector(ApiProperties.Mcp settings) {
        this.settings = settings;
        // a tool's own error result is an answer, not a failure: only exceptions reach the breaker
        this.breakerConfig = CircuitBreakerConfig.from(settings.circuitBreaker().config())
                .recordException(error -> true)
                .build();
        this.breakers =
                Caffeine.newBuilder().maximumSize(settings.maxBreakers()).build();
    }

    public ApiProperties.Mcp settings() {
        return settings;
    }

    /** An initialized session with the tool's server, within the listing time limit and through its breaker. */
    public Mono<McpAsyncClient> connect(McpTool tool) {
        return Mono.defer(() -> {
                    McpAsyncClient client = McpClient.async(transport(tool))
                            .clientInfo(CLIENT)
                            .requestTimeout(settings.callTimeout().plus(settings.listTimeout()))
                            .initializationTimeout(settings.listTimeout())
                            .build();
                    return client.initialize()
                            .timeout(settings.listTimeout())
                            .thenReturn(client)
                            .doOnError(failed -> client.close())
                            .doOnCancel(client::close);
                })
                .transformDeferred(CircuitBreakerOperator.of(breaker(tool)));
    }

    /** The server's tools (every page), within the listing time limit and through its breaker. */
    public Mono<List<McpSchema.Tool>> list(McpTool tool, McpAsyncClient client) {
        return client.listTools()
                .expand(page -> page.nextCursor() == null ? Mono.empty() : client.listTools(page.nextCursor()))
                .take(100) // a server that pages forever
                .concatMapIterable(McpSchema.ListToolsResult::tools)
                .collectList()
                .timeout(settings.listTimeout())
                .transformDeferred(CircuitBreakerOperator.of(breaker(tool)));
    }

    /** One call, within the call time limit and through the server's breaker. */
    public Mono<McpSchema.CallToolResult> call(
            McpTool tool, McpAsyncClient client, String name, Map<String, Object> arguments) {
        return client.callTool(new McpSchema.CallToolRequest(name, arguments))
                .timeout(settings.callTimeout())
                .transformDeferred(CircuitBreakerOperator.of(breaker(tool)));
    }

    CircuitBreaker breaker(McpTool tool) {
        return breakers.get(tool.origin(), origin -> CircuitBreaker.of("mcp " + origin, breakerConfig));
    }

    private McpClientTransport transport(McpTool tool) {
        URI url = tool.url();
        String base = url.getScheme() + "://" + url.getRawAuthority();
        String path = (url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath())
                + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
        McpSyncHttpClientRequestCustomizer headers =
                (request, method, uri, body, context) -> tool.headers().forEach(request::header);
        Duration connect = settings.connectTimeout();
        int maxMessage =
                (int) Math.min(Integer.MAX_VALUE, settings.maxMessageSize().toBytes());
        if (url.getRawPath() != null && url.getRawPath().endsWith("/sse")) {
            return HttpClientSseClientTransport.builder(base)
                    .sseEndpoint(path)
                    .connectTimeout(connect)
                    .httpRequestCustomizer(headers)
                    .maxResponseSize(maxMessage)
                    .build();
        }
        return HttpClientStreamableHttpTransport.builder(base)
                .endpoint(path)
                .connectTimeout(connect)
                .httpRequestCustomizer(headers)
                .maxResponseSize(maxMessage)
                .openConnectionOnStartup(false)
                .build();
    }
}
