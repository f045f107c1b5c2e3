package dev.hotloop.api.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hotloop.api.TestApiProperties;
import dev.hotloop.protocol.error.ApiException;
import dev.hotloop.protocol.json.ProtocolJson;
import dev.hotloop.protocol.tool.HostedTool;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.test.StepVerifier;
import tools.jackson.databind.node.ObjectNode;

class McpUrlPolicyTest {

    private static final McpUrlPolicy POLICY = new McpUrlPolicy(TestApiProperties.bind(Map.of(
                    "mcp.allowed-urls", "https://mcp.example.com/v1",
                    "mcp.tenant-allowed-urls.acme", "http://10.1.2.3:8080"))
            .mcp());

    @ParameterizedTest
    @ValueSource(
            strings = {
                "127.0.0.1", "10.0.0.1", "172.16.5.5", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0",
                "198.18.0.1", "224.0.0.1", "255.255.255.255", "::1", "fd00::1", "fe80::1", "::ffff:127.0.0.1",
                "::ffff:10.0.0.1"
            })
    void privateAndReservedAddressesAreNotPublic(String address) throws Exception {
        assertThat(McpUrlPolicy.isPublic(InetAddress.getByName(address))).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"8.8.8.8", "1.1.1.1", "2001:4860:4860::8888", "::ffff:8.8.8.8"})
    void publicAddressesArePublic(String address) throws Exception {
        assertThat(McpUrlPolicy.isPublic(InetAddress.getByName(address))).isTrue();
    }

    @Test
    void aPrefixMatchesOnlyAtABoundary() {
        assertThat(McpUrlPolicy.under("https://mcp.example.com/v1/mcp", "https://mcp.example.com/v1"))
                .isTrue();
        assertThat(McpUrlPolicy.under("https://mcp.example.com/v1", "https://mcp.example.com/v1"))
                .isTrue();
        assertThat(McpUrlPolicy.under("http://127.0.0.1:3999/mcp", "http://127.0.0.1"))
                .isTrue();
        assertThat(McpUrlPolicy.under("https://mcp.example.com/v10", "https://mcp.example.com/v1"))
                .isFalse();
        assertThat(McpUrlPolicy.under("https://mcp.example.com.evil.io/", "https://mcp.example.com"))
                .isFalse();
        assertThat(McpUrlPolicy.under("http://10.1.2.3:80801/", "http://10.1.2.3:8080"))
                .isFalse();
    }

    @Test
    void aTenantWithAllowedUrlsReachesOnlyThemPrivateOnesIncluded() {
        StepVerifier.create(POLICY.check("acme", tool("http://10.1.2.3:8080/mcp"), "p"))
                .verifyComplete();
        StepVerifier.create(POLICY.check("acme", tool("https://MCP.example.com/v1/mcp"), "p"))
                .verifyComplete();
        StepVerifier.create(POLICY.check("acme", tool("https://other.example.com/mcp"), "p"))
                .expectErrorSatisfies(refused ->
                        assertThat(((ApiException) refused).error().code()).isEqualTo("mcp_server_url_not_allowed"))
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void withoutAllowedUrlsALoopbackServerIsRefused() {
        McpUrlPolicy open = new McpUrlPolicy(TestApiProperties.bind(Map.of()).mcp());

        StepVerifier.create(open.check("acme", tool("http://127.0.0.1:3999/mcp"), "tools[0].server_url"))
                .expectErrorSatisfies(refused -> {
                    assertThat(((ApiException) refused).error().param()).isEqualTo("tools[0].server_url");
                    assertThat(refused.getMessage()).contains("private network address");
                })
                .verify(Duration.ofSeconds(5));
        StepVerifier.create(open.check("acme", tool("http://localhost:3999/mcp"), "p"))
                .expectError(ApiException.class)
                .verify(Duration.ofSeconds(5));
    }

    private static McpTool tool(String url) {
        ObjectNode json = ProtocolJson.nodes()
                .objectNode()
                .put("type", "mcp")
                .put("server_label", "s")
                .put("server_url", url);
        return McpTool.of(new HostedTool(json), 0);
    }
}
