package dev.hotloop.api.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.models.responses.FunctionShellTool;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseOutputItem;
import com.openai.models.responses.ResponseStatus;
import dev.hotloop.api.PlatformTest;
import dev.hotloop.api.ToolRunnerFixture;
import dev.hotloop.protocol.json.ProtocolJson;
import dev.hotloop.testsupport.WireSpecs;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 10, findings 2 and 8: what tool-runner or session-service refuse is the client's or the model's mistake,
 * answered as such, never as a 503 of an unavailable dependency.
 */
class RefusedToolCallTest extends PlatformTest {

    @BeforeAll
    static void toolRunner() {
        ToolRunnerFixture.start();
    }

    @Test
    void aShellCallToolRunnerRefusesIsAToolOutputTheModelAnswers() {
        Response response = client().responses()
                .create(ResponseCreateParams.builder()
                        .model(MODEL)
                        .input("SHELL21 please")
                        .addTool(FunctionShellTool.builder().build())
                        .store(false)
                        .build());

        assertThat(response.status()).contains(ResponseStatus.COMPLETED);
        List<ResponseOutputItem> output = response.output();
        assertThat(output).hasSize(3);
        var result = output.get(1).asShellCallOutput();
        assertThat(result.callId()).isEqualTo(output.get(0).asShellCall().callId());
        assertThat(result.output().getFirst().outcome().asExit().exitCode()).isEqualTo(2);
        assertThat(result.output().getFirst().stderr()).startsWith("[hotloop: the tool runner refused this call: ");
        assertThat(output.get(2).asMessage().content().getFirst().asOutputText().text())
                .startsWith("Refused: ");
    }

    @Test
    void aPreviousResponseIdTooLongForTheStoreIsA400() throws IOException, InterruptedException {
        String body = "{\"model\":\"" + MODEL + "\",\"input\":\"hi\",\"previous_response_id\":\"resp_"
                + "a".repeat(5_000) + "\"}";
        HttpResponse<String> response = WireSpecs.get()
                .checkHttpResponse(HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(URI.create(baseUrl() + "/responses"))
                                        .header("Authorization", "Bearer " + ACME_KEY)
                                        .header("Content-Type", "application/json")
                                        .POST(HttpRequest.BodyPublishers.ofString(body))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString()));

        assertThat(response.statusCode()).isIn(400, 404);
        assertThat(ProtocolJson.mapper()
                        .readTree(response.body())
                        .path("error")
                        .path("type")
                        .asString())
                .isEqualTo("invalid_request_error");
    }
}
