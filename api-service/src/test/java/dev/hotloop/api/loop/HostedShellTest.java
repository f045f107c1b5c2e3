package dev.hotloop.api.loop;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.core.http.ResponseConnection;
import com.openai.core.http.StreamResponse;
import com.openai.models.responses.FunctionShellTool;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseOutputItem;
import com.openai.models.responses.ResponseStatus;
import com.openai.models.responses.ResponseStreamEvent;
import com.openai.models.responses.ResponsesClientEvent;
import dev.hotloop.api.PlatformTest;
import dev.hotloop.api.ToolRunnerFixture;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The model calls the hosted shell three times inside one response (scenario "SHELL3"); tool-runner runs each call
 * in its sandbox and the final message quotes all three results: over HTTP, SSE and WebSocket.
 */
class HostedShellTest extends PlatformTest {

    private static final String EXPECTED = "Outputs: one\n | two\n | three\n";

    private OpenAIClient client;

    @BeforeAll
    static void toolRunner() {
        ToolRunnerFixture.start();
    }

    @BeforeEach
    void sdk() {
        client = client();
    }

    private static ResponseCreateParams params() {
        return ResponseCreateParams.builder()
                .model(MODEL)
                .input("SHELL3 please")
                .addTool(FunctionShellTool.builder().build())
                .store(false)
                .build();
    }

    @Test
    void threeShellCallsOverHttp() {
        Response response = client.responses().create(params());

        assertThat(response.status()).contains(ResponseStatus.COMPLETED);
        assertShellRun(response.output());
    }

    @Test
    void threeShellCallsOverSse() {
        List<String> types = new ArrayList<>();
        Response completed = null;
        try (StreamResponse<ResponseStreamEvent> stream = client.responses().createStreaming(params())) {
            for (ResponseStreamEvent event : (Iterable<ResponseStreamEvent>) stream.stream()::iterator) {
                event.outputItemAdded().ifPresent(added -> types.add("added:" + type(added.item())));
                if (event.isCompleted()) {
                    completed = event.asCompleted().response();
                }
            }
        }
        assertThat(types)
                .containsExactly(
                        "added:shell_call",
                        "added:shell_call_output",
                        "added:shell_call",
                        "added:shell_call_output",
                        "added:shell_call",
                        "added:shell_call_output",
                        "added:message");
        assertShellRun(completed.output());
    }

    @Test
    void threeShellCallsOverWebSocket() {
        try (ResponseConnection connection = client.responses().connect()) {
            connection.send(ResponsesClientEvent.ofResponseCreate(ResponsesClientEvent.ResponseCreate.builder()
                    .model(MODEL)
                    .input("SHELL3 please")
                    .addTool(FunctionShellTool.builder().build())
                    .store(false)
                    .build()));
            assertShellRun(connection.finalResponse().output());
        }
    }

    private static void assertShellRun(List<ResponseOutputItem> output) {
        assertThat(output).hasSize(7);
        List<String> commands = new ArrayList<>();
        for (int i = 0; i < 6; i += 2) {
            var call = output.get(i).asShellCall();
            var result = output.get(i + 1).asShellCallOutput();
            assertThat(result.callId()).isEqualTo(call.callId());
            assertThat(result.output().getFirst().outcome().asExit().exitCode()).isZero();
            commands.add(call.action().commands().getFirst());
        }
        assertThat(commands).containsExactly("echo one", "echo two", "echo three");
        assertThat(output.getLast()
                        .asMessage()
                        .content()
                        .getFirst()
                        .asOutputText()
                        .text())
                .isEqualTo(EXPECTED);
    }

    private static String type(ResponseOutputItem item) {
        return item.isShellCall()
                ? "shell_call"
                : item.isShellCallOutput() ? "shell_call_output" : item.isMessage() ? "message" : "other";
    }
}
