package dev.hotloop.api.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.core.http.ResponseConnection;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseInputItem;
import com.openai.models.responses.ResponseOutputItem;
import com.openai.models.responses.ResponseStatus;
import com.openai.models.responses.ResponseStreamEvent;
import com.openai.models.responses.ResponsesClientEvent;
import com.openai.models.responses.Tool;
import dev.hotloop.api.PlatformTest;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * The hosted {@code mcp} tool against real MCP servers the test starts: the reference server
 * ({@code @modelcontextprotocol/server-everything}, Streamable HTTP and SSE) and one written with the MCP Java SDK,
 * driven by the official openai-java client over HTTP, SSE and WebSocket. The simulated model calls the servers'
 * tools by their function names (scenario steps MCP*).
 */
@ExtendWith(OutputCaptureExtension.class)
class HostedMcpTest extends PlatformTest {

    private static final String SECRET = "sk-mcp-secret-4711";

    private static EverythingServer everything;
    private static EverythingServer everythingSse;
    private static JavaMcpServer java;

    private OpenAIClient client;

    @BeforeAll
    static void servers() throws Exception {
        everything = EverythingServer.streamableHttp();
        everythingSse = EverythingServer.sse();
        java = JavaMcpServer.streamableHttp();
    }

    @AfterAll
    static void stopServers() throws Exception {
        everything.close();
        everythingSse.close();
        java.close();
    }

    @BeforeEach
    void sdk() {
        client = client();
    }

    private static Tool.Mcp.Builder server(String label, String url) {
        return Tool.Mcp.builder().serverLabel(label).serverUrl(url);
    }

    private static Tool.Mcp everythingNeverAsking() {
        return server("everything", everything.url())
                .requireApproval(Tool.Mcp.RequireApproval.McpToolApprovalSetting.NEVER)
                .build();
    }

    private static ResponseCreateParams params(String input, Tool.Mcp tool) {
        return ResponseCreateParams.builder()
                .model(MODEL)
                .input(input)
                .addTool(tool)
                .build();
    }

    @Test
    void listsThenCallsOverHttp() {
        Response response = client.responses().create(params("MCPECHO please", everythingNeverAsking()));

        assertThat(response.status()).contains(ResponseStatus.COMPLETED);
        List<ResponseOutputItem> output = response.output();
        assertThat(output).hasSize(3);
        ResponseOutputItem.McpListTools listing = output.get(0).asMcpListTools();
        assertThat(listing.serverLabel()).isEqualTo("everything");
        assertThat(listing.tools())
                .extracting(ResponseOutputItem.McpListTools.Tool::name)
                .contains("echo", "get-sum");
        ResponseOutputItem.McpCall call = output.get(1).asMcpCall();
        assertThat(call.name()).isEqualTo("echo");
        assertThat(call.output()).hasValue("Echo: hello mcp");
        assertThat(call.error()).isEmpty();
        assertThat(outputText(response)).contains("returned: Echo: hello mcp");
    }

    @Test
    void streamsListingAndCallEventsOverSse() {
        List<String> types = new ArrayList<>();
        Response completed = null;
        try (StreamResponse<ResponseStreamEvent> stream =
                client.responses().createStreaming(params("MCPSUM please", everythingNeverAsking()))) {
            for (ResponseStreamEvent event : (Iterable<ResponseStreamEvent>) stream.stream()::iterator) {
                types.add(mcpType(event));
                if (event.isCompleted()) {
                    completed = event.asCompleted().response();
                }
            }
        }
        assertThat(types.stream().filter(type -> !type.isEmpty()).distinct())
                .containsExactly(
                        "mcp_list_tools.in_progress",
                        "mcp_list_tools.completed",
                        "mcp_call_arguments.delta",
                        "mcp_call_arguments.done",
                        "mcp_call.in_progress",
                        "mcp_call.completed");
        assertThat(completed.output().get(1).asMcpCall().output().orElseThrow()).contains("5");
    }

    @Test
    void listsOncePerChainOverWebSocket() {
        try (ResponseConnection connection = client.responses().connect()) {
            connection.send(create("MCPECHO please", null));
            Response first = connection.finalResponse();
            assertThat(first.output().getFirst().isMcpListTools()).isTrue();
            assertThat(first.output().get(1).asMcpCall().output()).hasValue("Echo: hello mcp");

            connection.send(create("MCPECHO again", first.id()));
            Response second = connection.finalResponse();
            assertThat(second.output()).noneMatch(ResponseOutputItem::isMcpListTools);
            assertThat(second.output().getFirst().asMcpCall().output()).hasValue("Echo: hello mcp");
        }
    }

    @Test
    void listsAgainWhenTheDefinitionChanges() {
        Response first = client.responses().create(params("MCPECHO please", everythingNeverAsking()));
        Response second = client.responses()
                .create(ResponseCreateParams.builder()
                        .model(MODEL)
                        .input("MCPSUM please")
                        .previousResponseId(first.id())
                        .addTool(server("everything", everything.url())
                                .allowedTools(Tool.Mcp.AllowedTools.ofMcp(List.of("get-sum")))
                                .requireApproval(Tool.Mcp.RequireApproval.McpToolApprovalSetting.NEVER)
                                .build())
                        .build());

        ResponseOutputItem.McpListTools listing = second.output().getFirst().asMcpListTools();
        assertThat(listing.tools())
                .extracting(ResponseOutputItem.McpListTools.Tool::name)
                .containsExactly("get-sum");
        assertThat(second.output().get(1).asMcpCall().name()).isEqualTo("get-sum");
    }

    @Test
    void allowedToolsHideTheOthers() {
        Response response = client.responses()
                .create(params(
                        "MCPECHO please",
                        server("everything", everything.url())
                                .allowedTools(Tool.Mcp.AllowedTools.ofMcp(List.of("get-sum")))
                                .requireApproval(Tool.Mcp.RequireApproval.McpToolApprovalSetting.NEVER)
                                .build()));

        assertThat(response.output().getFirst().asMcpListTools().tools())
                .extracting(ResponseOutputItem.McpListTools.Tool::name)
                .containsExactly("get-sum");
        assertThat(response.output()).noneMatch(ResponseOutputItem::isMcpCall);
    }

    @Test
    void worksWithAnSseServer() {
        Response response = client.responses()
                .create(params(
                        "MCPSUM please",
                        server("everything", everythingSse.url())
                                .requireApproval(Tool.Mcp.RequireApproval.McpToolApprovalSetting.NEVER)
                                .build()));

        assertThat(response.output().get(1).asMcpCall().output().orElseThrow()).contains("5");
    }

    @Test
    void approvalRequiredThenGranted() {
        Response asked = client.responses()
                .create(params(
                        "MCPECHO please", server("everything", everything.url()).build()));
        assertThat(asked.status()).contains(ResponseStatus.COMPLETED);
        ResponseOutputItem.McpApprovalRequest request = asked.output().getLast().asMcpApprovalRequest();
        assertThat(request.name()).isEqualTo("echo");
        assertThat(asked.output()).noneMatch(ResponseOutputItem::isMcpCall);

        Response granted = client.responses().create(approval(asked.id(), request.id(), true));

        ResponseOutputItem.McpCall call = granted.output().getFirst().asMcpCall();
        assertThat(call.approvalRequestId()).hasValue(request.id());
        assertThat(call.output()).hasValue("Echo: hello mcp");
        assertThat(outputText(granted)).contains("returned: Echo: hello mcp");
    }

    @Test
    void approvalRequiredThenDenied() {
        Response asked = client.responses()
                .create(params(
                        "MCPECHO please", server("everything", everything.url()).build()));
        String requestId = asked.output().getLast().asMcpApprovalRequest().id();

        Response denied = client.responses().create(approval(asked.id(), requestId, false));

        assertThat(denied.output()).noneMatch(ResponseOutputItem::isMcpCall);
        assertThat(outputText(denied)).contains("denied");
    }

    @Test
    void approvalFilterLetsNamedToolsRunUnasked() {
        Response response = client.responses()
                .create(params(
                        "MCPECHO please",
                        server("everything", everything.url())
                                .requireApproval(Tool.Mcp.RequireApproval.McpToolApprovalFilter.builder()
                                        .never(Tool.Mcp.RequireApproval.McpToolApprovalFilter.Never.builder()
                                                .addToolName("echo")
                                                .build())
                                        .build())
                                .build()));

        assertThat(response.output().get(1).asMcpCall().output()).hasValue("Echo: hello mcp");
    }

    @Test
    void maxToolCallsLeavesTheRestNotRun() {
        Response response = client.responses()
                .create(ResponseCreateParams.builder()
                        .model(MODEL)
                        .input("MCPTWICE please")
                        .addTool(everythingNeverAsking())
                        .maxToolCalls(1)
                        .build());

        List<ResponseOutputItem.McpCall> calls = response.output().stream()
                .filter(ResponseOutputItem::isMcpCall)
                .map(ResponseOutputItem::asMcpCall)
                .toList();
        assertThat(calls).hasSize(2);
        assertThat(calls.get(0).output()).hasValue("Echo: first");
        assertThat(calls.get(1).error().orElseThrow().asProtocol().message()).contains("max_tool_calls");
    }

    @Test
    void headersAndAuthorizationReachTheServerButNeverTheResponseOrTheLogs(CapturedOutput logs) throws Exception {
        Response response = client.responses()
                .create(params(
                        "MCPWHO please",
                        server("java", java.url())
                                .headers(Tool.Mcp.Headers.builder()
                                        .putProperty("X-Test-Token", SECRET)
                                        .build())
                                .authorization(SECRET + "-bearer")
                                .requireApproval(Tool.Mcp.RequireApproval.McpToolApprovalSetting.NEVER)
                                .build()));

        assertThat(response.output().get(1).asMcpCall().output()).hasValue("headers noted");
        assertThat(java.calledWith())
                .containsEntry("token", SECRET)
                .containsEntry("authorization", "Bearer " + SECRET + "-bearer");
        String stored = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(baseUrl() + "/responses/" + response.id()))
                                .header("Authorization", "Bearer " + ACME_KEY)
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        assertThat(stored).contains("\"server_label\":\"java\"").doesNotContain(SECRET);
        assertThat(response.tools().getFirst().asMcp().headers()).isEmpty();
        assertThat(logs.getAll()).doesNotContain(SECRET);
    }

    @Test
    void headersReachAnSseServerToo() throws Exception {
        try (JavaMcpServer sse = JavaMcpServer.sse()) {
            Response response = client.responses()
                    .create(params(
                            "MCPWHO please",
                            server("java", sse.url())
                                    .headers(Tool.Mcp.Headers.builder()
                                            .putProperty("X-Test-Token", SECRET)
                                            .build())
                                    .requireApproval(Tool.Mcp.RequireApproval.McpToolApprovalSetting.NEVER)
                                    .build()));

            assertThat(response.output().get(1).asMcpCall().output()).hasValue("headers noted");
            assertThat(sse.calledWith()).containsEntry("token", SECRET);
        }
    }

    @Test
    void aToolErrorResultIsTheCallsError() {
        Response response = client.responses().create(params("MCPFAIL please", javaNeverAsking()));

        ResponseOutputItem.McpCall call = response.output().get(1).asMcpCall();
        assertThat(call.output()).isEmpty();
        assertThat(call.error().orElseThrow().isToolExecution()).isTrue();
        assertThat(outputText(response)).contains("the fail tool broke on purpose");
    }

    @Test
    void aHangingServerTimesOutAndTheModelIsTold() {
        Response response = client.responses().create(params("MCPHANG please", javaNeverAsking()));

        assertThat(response.status()).contains(ResponseStatus.COMPLETED);
        ResponseOutputItem.McpCall call = response.output().get(1).asMcpCall();
        assertThat(call.error().orElseThrow().asHttp().code()).isEqualTo(504);
        assertThat(outputText(response)).contains("did not answer in time");
    }

    @Test
    void aClientThatGoesAwayCancelsTheRunningCall() {
        int before = java.sessionsClosed();
        // store:false: a stored response keeps running for a client to re-attach to, this one ends with its client
        ResponseCreateParams unstored = params("MCPHANG please", javaNeverAsking()).toBuilder()
                .store(false)
                .build();
        try (StreamResponse<ResponseStreamEvent> stream = client.responses().createStreaming(unstored)) {
            Iterator<ResponseStreamEvent> events = stream.stream().iterator();
            while (!events.next().isMcpCallInProgress()) {
                // read up to the call being sent to its server, then hang up
            }
        }

        // the response's MCP session closes at once, long before the 3 s call timeout would have ended the call
        Awaitility.await("the response's MCP session closed")
                .atMost(Duration.ofSeconds(2))
                .until(() -> java.sessionsClosed() > before);
    }

    @Test
    void aServerThatIsDownFailsItsListingNotTheResponse() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        Response response = client.responses()
                .create(params(
                        "MCPDOWN please",
                        server("down", "http://127.0.0.1:" + closed + "/mcp")
                                .requireApproval(Tool.Mcp.RequireApproval.McpToolApprovalSetting.NEVER)
                                .build()));

        assertThat(response.status()).contains(ResponseStatus.COMPLETED);
        assertThat(response.output().getFirst().asMcpListTools().error().orElseThrow())
                .contains("could not list its tools on the MCP server 'down'");
    }

    @Test
    void aServerGoneAfterListingFailsTheCallTheModelSees() throws Exception {
        JavaMcpServer shortLived = JavaMcpServer.streamableHttp();
        Tool.Mcp tool = server("java", shortLived.url())
                .requireApproval(Tool.Mcp.RequireApproval.McpToolApprovalSetting.NEVER)
                .build();
        Response first = client.responses().create(params("MCPWHO please", tool));
        assertThat(first.output().get(1).asMcpCall().output()).isPresent();
        shortLived.close();

        Response second = client.responses()
                .create(ResponseCreateParams.builder()
                        .model(MODEL)
                        .input("MCPWHO again")
                        .previousResponseId(first.id())
                        .addTool(tool)
                        .build());

        assertThat(second.status()).contains(ResponseStatus.COMPLETED);
        ResponseOutputItem.McpCall call = second.output().getFirst().asMcpCall();
        assertThat(call.error().orElseThrow().asHttp().message()).contains("could not be reached");
        assertThat(outputText(second)).contains("could not be reached");
    }

    @Test
    void aPrivateAddressIsRefusedForATenantWithoutAllowedUrls() {
        OpenAIClient other = client(OTHER_KEY);

        assertThatThrownBy(() -> other.responses().create(params("MCPECHO please", everythingNeverAsking())))
                .isInstanceOfSatisfying(BadRequestException.class, refused -> {
                    assertThat(refused.code()).hasValue("mcp_server_url_not_allowed");
                    assertThat(refused.param()).hasValue("tools[0].server_url");
                });
    }

    private static Tool.Mcp javaNeverAsking() {
        return server("java", java.url())
                .requireApproval(Tool.Mcp.RequireApproval.McpToolApprovalSetting.NEVER)
                .build();
    }

    private static ResponseCreateParams approval(String previous, String requestId, boolean approve) {
        return ResponseCreateParams.builder()
                .model(MODEL)
                .previousResponseId(previous)
                .inputOfResponse(
                        List.of(ResponseInputItem.ofMcpApprovalResponse(ResponseInputItem.McpApprovalResponse.builder()
                                .approvalRequestId(requestId)
                                .approve(approve)
                                .build())))
                .addTool(server("everything", everything.url()).build())
                .build();
    }

    private static ResponsesClientEvent create(String input, String previous) {
        ResponsesClientEvent.ResponseCreate.Builder create = ResponsesClientEvent.ResponseCreate.builder()
                .model(MODEL)
                .input(input)
                .addTool(everythingNeverAsking())
                .store(false);
        if (previous != null) {
            create.previousResponseId(previous);
        }
        return ResponsesClientEvent.ofResponseCreate(create.build());
    }

    private static String mcpType(ResponseStreamEvent event) {
        if (event.isMcpListToolsInProgress()) {
            return "mcp_list_tools.in_progress";
        } else if (event.isMcpListToolsCompleted()) {
            return "mcp_list_tools.completed";
        } else if (event.isMcpListToolsFailed()) {
            return "mcp_list_tools.failed";
        } else if (event.isMcpCallArgumentsDelta()) {
            return "mcp_call_arguments.delta";
        } else if (event.isMcpCallArgumentsDone()) {
            return "mcp_call_arguments.done";
        } else if (event.isMcpCallInProgress()) {
            return "mcp_call.in_progress";
        } else if (event.isMcpCallCompleted()) {
            return "mcp_call.completed";
        } else if (event.isMcpCallFailed()) {
            return "mcp_call.failed";
        }
        return "";
    }
}
