package dev.hotloop.api.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hotloop.protocol.error.ApiException;
import dev.hotloop.protocol.json.ProtocolJson;
import dev.hotloop.protocol.tool.HostedTool;
import dev.hotloop.protocol.tool.Tool;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

class McpToolTest {

    private static HostedTool json(String json) {
        return new HostedTool((ObjectNode) ProtocolJson.mapper().readTree(json));
    }

    @Test
    void approvalFilterAsksForAllButTheNeverList() {
        McpTool tool = McpTool.of(json("""
                {"type":"mcp","server_label":"s","server_url":"https://x.io/mcp",
                 "require_approval":{"never":{"tool_names":["read"]},"always":{"tool_names":["write"]}}}"""), 0);

        assertThat(tool.approval().required("read")).isFalse();
        assertThat(tool.approval().required("write")).isTrue();
        assertThat(tool.approval().required("other")).isTrue();
    }

    @Test
    void approvalDefaultsToAlways() {
        McpTool tool =
                McpTool.of(json("{\"type\":\"mcp\",\"server_label\":\"s\",\"server_url\":\"https://x.io/mcp\"}"), 0);

        assertThat(tool.approval().required("anything")).isTrue();
    }

    @Test
    void credentialsAreSentButNeverPrintedOrEchoed() {
        HostedTool given = json("""
                {"type":"mcp","server_label":"s","server_url":"https://x.io/mcp?key=k",
                 "headers":{"X-Key":"secret-1"},"authorization":"secret-2"}""");
        McpTool tool = McpTool.of(given, 0);

        assertThat(tool.headers()).containsEntry("X-Key", "secret-1").containsEntry("Authorization", "Bearer secret-2");
        assertThat(tool.toString()).doesNotContain("secret").doesNotContain("key=k");
        Tool echoed = given.echoed();
        assertThat(echoed.json().has("headers")).isFalse();
        assertThat(echoed.json().has("authorization")).isFalse();
        assertThat(given.json().has("headers")).isTrue();
    }

    @Test
    void theDefinitionFollowsUrlAndAllowedToolsOnly() {
        String a = McpTool.of(json("{\"type\":\"mcp\",\"server_label\":\"s\",\"server_url\":\"https://x.io/a\"}"), 0)
                .definition();
        String sameWithHeaders = McpTool.of(
                        json(
                                "{\"type\":\"mcp\",\"server_label\":\"s\",\"server_url\":\"https://x.io/a\",\"headers\":{\"X\":\"y\"}}"),
                        0)
                .definition();
        String filtered = McpTool.of(
                        json(
                                "{\"type\":\"mcp\",\"server_label\":\"s\",\"server_url\":\"https://x.io/a\",\"allowed_tools\":[\"t\"]}"),
                        0)
                .definition();

        assertThat(sameWithHeaders).isEqualTo(a);
        assertThat(filtered).isNotEqualTo(a);
    }

    @Test
    void malformedToolsAre400sNamingTheField() {
        assertThatThrownBy(() -> McpTool.of(
                        json("{\"type\":\"mcp\",\"server_label\":\"s\",\"server_url\":\"file:///etc/passwd\"}"), 2))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.error().param()).isEqualTo("tools[2].server_url"));
        assertThatThrownBy(() -> McpTool.of(
                        json("{\"type\":\"mcp\",\"server_label\":\"s\",\"server_url\":\"http://u:p@x.io/\"}"), 0))
                .isInstanceOf(ApiException.class);
        assertThatThrownBy(() -> McpTool.of(
                        json(
                                "{\"type\":\"mcp\",\"server_label\":\"s\",\"server_url\":\"https://x.io/\",\"headers\":{\"Host\":\"evil\"}}"),
                        0))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.error().param()).isEqualTo("tools[0].headers"));
        assertThatThrownBy(() -> McpTool.of(
                        json("{\"type\":\"mcp\",\"server_label\":\"a b\",\"server_url\":\"https://x.io/\"}"), 0))
                .isInstanceOf(ApiException.class);
        assertThatThrownBy(() -> McpTool.of(
                        json(
                                "{\"type\":\"mcp\",\"server_label\":\"s\",\"server_url\":\"https://x.io/\",\"require_approval\":\"sometimes\"}"),
                        0))
                .isInstanceOf(ApiException.class);
    }
}
