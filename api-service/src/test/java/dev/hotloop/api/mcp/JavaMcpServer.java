package dev.hotloop.api.mcp;

import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.server.McpAsyncServer;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.transport.HttpServletSseServerTransportProvider;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.file.Files;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;
import reactor.core.publisher.Mono;

/**
 * An MCP server written with the official Java SDK, on an embedded Tomcat on a free loopback port: {@code whoami}
 * keeps the {@code X-Test-Token} and {@code Authorization} headers of its call for the test to read (and answers
 * without them), {@code fail} answers with an error result, {@code hang} never.
 */
final class JavaMcpServer implements AutoCloseable {

    private final Tomcat tomcat;
    private final McpAsyncServer server;
    private final String url;
    private volatile Map<String, Object> calledWith = Map.of();
    private final AtomicInteger sessionsClosed = new AtomicInteger();

    private JavaMcpServer(boolean sse) throws Exception {
        McpServerFeatures.AsyncToolSpecification whoami =
                tool("whoami", "Tells which headers reached the server", (exchange, call) -> {
                    McpTransportContext context = exchange.transportContext();
                    calledWith = Map.of("token", context.get("token"), "authorization", context.get("authorization"));
                    return Mono.just(McpSchema.CallToolResult.builder()
                            .addTextContent("headers noted")
                            .build());
                });
        McpServerFeatures.AsyncToolSpecification fail = tool(
                "fail",
                "Always fails",
                (exchange, call) -> Mono.just(McpSchema.CallToolResult.builder()
                        .addTextContent("the fail tool broke on purpose")
                        .isError(true)
                        .build()));
        McpServerFeatures.AsyncToolSpecification hang = tool("hang", "Never answers", (exchange, call) -> Mono.never());
        HttpServlet servlet;
        if (sse) {
            HttpServletSseServerTransportProvider provider = HttpServletSseServerTransportProvider.builder()
                    .sseEndpoint("/sse")
                    .messageEndpoint("/message")
                    .contextExtractor(JavaMcpServer::headers)
                    .build();
            server = McpServer.async(provider).tools(whoami, fail, hang).build();
            servlet = provider;
        } else {
            HttpServletStreamableServerTransportProvider provider =
                    HttpServletStreamableServerTransportProvider.builder()
                            .mcpEndpoint("/mcp")
                            .contextExtractor(JavaMcpServer::headers)
                            .build();
            server = McpServer.async(provider).tools(whoami, fail, hang).build();
            servlet = provider;
        }
        tomcat = new Tomcat();
        tomcat.setBaseDir(Files.createTempDirectory("mcp-tomcat").toString());
        tomcat.setHostname("127.0.0.1");
        tomcat.setPort(0);
        tomcat.getConnector().setProperty("address", "127.0.0.1");
        Context context = tomcat.addContext("", null);
        Tomcat.addServlet(context, "mcp", servlet).setAsyncSupported(true);
        context.addServletMappingDecoded("/*", "mcp");
        FilterDef counter = new FilterDef();
        counter.setFilterName("closed-sessions");
        counter.setAsyncSupported("true");
        counter.setFilter((request, response, chain) -> {
            if ("DELETE".equals(((HttpServletRequest) request).getMethod())) {
                sessionsClosed.incrementAndGet();
            }
            chain.doFilter(request, response);
        });
        context.addFilterDef(counter);
        FilterMap everything = new FilterMap();
        everything.setFilterName("closed-sessions");
        everything.addURLPattern("/*");
        context.addFilterMap(everything);
        tomcat.start();
        url = "http://127.0.0.1:" + tomcat.getConnector().getLocalPort() + (sse ? "/sse" : "/mcp");
    }

    /** Over Streamable HTTP, at {@code /mcp}. */
    static JavaMcpServer streamableHttp() throws Exception {
        return new JavaMcpServer(false);
    }

    /** Over the older HTTP+SSE transport, at {@code /sse}. */
    static JavaMcpServer sse() throws Exception {
        return new JavaMcpServer(true);
    }

    String url() {
        return url;
    }

    /** How many sessions clients closed ({@code DELETE} of a Streamable HTTP session). */
    int sessionsClosed() {
        return sessionsClosed.get();
    }

    /** The headers the last {@code whoami} call came with ({@code token}, {@code authorization}). */
    Map<String, Object> calledWith() {
        return calledWith;
    }

    @Override
    public void close() throws LifecycleException {
        server.closeGracefully().block(java.time.Duration.ofSeconds(5));
        tomcat.stop();
        tomcat.destroy();
    }

    private static McpTransportContext headers(HttpServletRequest request) {
        return McpTransportContext.create(Map.of(
                "token", String.valueOf(request.getHeader("X-Test-Token")),
                "authorization", String.valueOf(request.getHeader("Authorization"))));
    }

    private static McpServerFeatures.AsyncToolSpecification tool(
            String name,
            String description,
            java.util.function.BiFunction<
                            io.modelcontextprotocol.server.McpAsyncServerExchange,
                            McpSchema.CallToolRequest,
                            Mono<McpSchema.CallToolResult>>
                    handler) {
        return McpServerFeatures.AsyncToolSpecification.builder()
                .tool(McpSchema.Tool.builder()
                        .name(name)
                        .description(description)
                        .inputSchema(Map.of("type", "object", "properties", Map.of()))
                        .build())
                .callHandler(handler)
                .build();
    }
}
