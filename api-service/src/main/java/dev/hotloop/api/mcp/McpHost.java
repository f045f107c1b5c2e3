package dev.hotloop.api.mcp;

import dev.hotloop.api.config.ApiProperties;
import dev.hotloop.protocol.error.ApiException;
import dev.hotloop.protocol.error.ErrorCodes;
import dev.hotloop.protocol.item.Item;
import dev.hotloop.protocol.model.ModelProvider;
import dev.hotloop.protocol.request.CreateRequest;
import dev.hotloop.protocol.tool.HostedTool;
import dev.hotloop.protocol.tool.Tool;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Hosts the {@code mcp} tools of requests whose model does not implement MCP itself ({@link ModelProvider#hostsMcp}).
 * MCP calls run here, in api-service, rather than in tool-runner: they are network calls, not commands; the request's
 * credentials for the server then never leave the process that received them; and tool-runner, which runs untrusted
 * commands, keeps no egress at all.
 */
public final class McpHost {

    private final McpUrlPolicy policy;
    private final McpConnector connector;

    private McpHost(McpUrlPolicy policy, McpConnector connector) {
        this.policy = policy;
        this.connector = connector;
    }

    public static McpHost of(ApiProperties.Mcp settings) {
        return new McpHost(new McpUrlPolicy(settings), new McpConnector(settings));
    }

    /**
     * The request's MCP servers, read and checked against the tenant's allowed URLs: {@link McpTurn#NONE} when the
     * provider passes {@code mcp} tools through or the request has none. Errors with a 400 for a malformed tool, a
     * label used twice or a server the tenant may not reach.
     */
    public Mono<McpTurn> open(String tenant, CreateRequest request, ModelProvider provider, List<Item> context) {
        if (!provider.hostsMcp() || request.tools().stream().noneMatch(tool -> "mcp".equals(tool.type()))) {
            return Mono.just(McpTurn.NONE);
        }
        return Mono.defer(() -> {
            List<McpTool> servers = new ArrayList<>();
            List<Mono<Void>> checks = new ArrayList<>();
            Set<String> labels = new HashSet<>();
            List<Tool> tools = request.tools();
            for (int i = 0; i < tools.size(); i++) {
                if (tools.get(i) instanceof HostedTool hosted && "mcp".equals(hosted.type())) {
                    McpTool server = McpTool.of(hosted, i);
                    if (!labels.add(server.label())) {
                        throw ApiException.invalidRequest(
                                "tools[" + i + "].server_label",
                                ErrorCodes.INVALID_VALUE,
                                "Duplicate server_label '" + server.label() + "' in tools.");
                    }
                    servers.add(server);
                    checks.add(policy.check(tenant, server, "tools[" + i + "].server_url"));
                }
            }
            return Flux.concat(checks).then(Mono.fromSupplier(() -> new McpTurn(servers, context, connector)));
        });
    }
}
