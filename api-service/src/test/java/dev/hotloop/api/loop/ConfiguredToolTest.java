package dev.hotloop.api.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.core.http.ResponseConnection;
import com.openai.errors.BadRequestException;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseOutputItem;
import com.openai.models.responses.ResponseStatus;
import com.openai.models.responses.ResponsesClientEvent;
import dev.hotloop.api.PlatformTest;
import dev.hotloop.api.ToolRunnerFixture;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A tool configured in tool-runner ({@code echo_text}: {@code /usr/bin/echo {text}}), named by the request as
 * {@code {"type": "hotloop_tool", "name": "echo_text"}}: the model sees a function, its call runs in the sandbox and
 * the loop continues inside the response, over HTTP and WebSocket with the official client.
 */
class ConfiguredToolTest extends PlatformTest {

    private static final JsonValue ECHO_TEXT =
            JsonValue.from(List.of(Map.of("type", "hotloop_tool", "name", "echo_text")));

    private OpenAIClient client;

    @BeforeAll
    static void toolRunner() {
        ToolRunnerFixture.start();
    }

    @BeforeEach
    void sdk() {
        client = client();
    }

    @Test
    void aConfiguredToolRunsInsideTheResponseOverHttp() {
        Response response = client.responses()
                .create(ResponseCreateParams.builder()
                        .model(MODEL)
                        .input("CONFIGURED please")
                        .tools(ECHO_TEXT)
                        .build());

        assertRan(response);
    }

    @Test
    void aConfiguredToolRunsInsideTheResponseOverWebSocket() {
        try (ResponseConnection connection = client.responses().connect()) {
            connection.send(ResponsesClientEvent.ofResponseCreate(ResponsesClientEvent.ResponseCreate.builder()
                    .model(MODEL)
                    .input("CONFIGURED please")
                    .tools(ECHO_TEXT)
                    .store(false)
                    .build()));
            assertRan(connection.finalResponse());
        }
    }

    @Test
    void anUnknownConfiguredToolIsA400() {
        assertThatThrownBy(() -> client.responses()
                        .create(ResponseCreateParams.builder()
                                .model(MODEL)
                                .input("CONFIGURED please")
                                .tools(JsonValue.from(List.of(Map.of("type", "hotloop_tool", "name", "rm_rf"))))
                                .build()))
                .isInstanceOfSatisfying(BadRequestException.class, refused -> {
                    assertThat(refused.code()).hasValue("tool_not_found");
                    assertThat(refused.param()).hasValue("tools[0].name");
                });
    }

    private static void assertRan(Response response) {
        assertThat(response.status()).contains(ResponseStatus.COMPLETED);
        List<ResponseOutputItem> output = response.output();
        assertThat(output).hasSize(3);
        ResponseFunctionToolCall call = output.get(0).asFunctionCall();
        assertThat(call.name()).isEqualTo("echo_text");
        assertThat(output.get(1).asFunctionCallOutput().callId()).hasValue(call.callId());
        assertThat(output.get(1).asFunctionCallOutput().output().string()).hasValue("hello configured\n");
        assertThat(outputText(response)).contains("returned: hello configured");
    }
}
