package dev.hotloop.api.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.InternalServerException;
import com.openai.models.models.Model;
import com.openai.models.responses.FunctionTool;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseError;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseInputItem;
import com.openai.models.responses.ResponseOutputItem;
import com.openai.models.responses.ResponseStreamEvent;
import dev.hotloop.api.ModelRoutesPlatformTest;
import dev.hotloop.api.SdkTools;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** The official openai-java client against hotloop routed to real upstream servers over loopback sockets. */
class ProvidersEndToEndTest extends ModelRoutesPlatformTest {

    private static final FunctionTool WEATHER = SdkTools.function("get_weather", "city");

    @Autowired
    private MeterRegistry meters;

    private OpenAIClient client;

    @BeforeEach
    void sdk() {
        client = client();
    }

    @Test
    void modelsListsTheRoutesAndNotTheSimulator() {
        List<String> ids = client.models().list().data().stream().map(Model::id).toList();

        assertThat(ids).containsExactlyInAnyOrder("sim-chat", "sim-responses", "unreachable", "flaky");
    }

    @Test
    void anAgentLoopRunsThroughAChatUpstreamAndHitsItsPrefixCache() {
        Response first = client.responses()
                .create(ResponseCreateParams.builder()
                        .model("sim-chat")
                        .instructions("You check the weather.")
                        .input("Weather in Paris, end to end?")
                        .addTool(WEATHER)
                        .build());
        ResponseFunctionToolCall call = first.output().stream()
                .filter(ResponseOutputItem::isFunctionCall)
                .findFirst()
                .orElseThrow()
                .asFunctionCall();
        assertThat(call.name()).isEqualTo("get_weather");

        Response second = client.responses()
                .create(ResponseCreateParams.builder()
                        .model("sim-chat")
                        .instructions("You check the weather.")
                        .previousResponseId(first.id())
                        .addTool(WEATHER)
                        .input(ResponseCreateParams.Input.ofResponse(List.of(
                                ResponseInputItem.ofFunctionCallOutput(ResponseInputItem.FunctionCallOutput.builder()
                                        .callId(call.callId())
                                        .output("18°C, clear")
                                        .build()))))
                        .build());

        assertThat(second.output())
                .singleElement()
                .satisfies(item -> assertThat(item.asMessage()
                                .content()
                                .getFirst()
                                .asOutputText()
                                .text())
                        .isEqualTo("The tool get_weather returned: 18°C, clear"));
        long firstInput = first.usage().orElseThrow().inputTokens();
        assertThat(second.usage().orElseThrow().inputTokensDetails().cachedTokens())
                .isEqualTo(firstInput);
    }

    @Test
    void aTurnWhoseUpstreamReportsItsUsageTokenizesNoItem() {
        double tokenized = tokenizedItems();

        Response response = client.responses()
                .create(ResponseCreateParams.builder()
                        .model("sim-chat")
                        .store(false)
                        .input("Weather in Lyon, counted upstream?")
                        .addTool(WEATHER)
                        .build());

        assertThat(response.usage().orElseThrow().inputTokens()).isPositive();
        // neither the input nor the output was tokenized: the upstream's usage is the usage
        assertThat(tokenizedItems()).isEqualTo(tokenized);
    }

    private double tokenizedItems() {
        return meters.get("hotloop.tokenizer.items").counter().count();
    }

    @Test
    void aResponsesUpstreamStreamsThroughHotloop() {
        List<ResponseStreamEvent> events = new ArrayList<>();
        try (StreamResponse<ResponseStreamEvent> stream = client.responses()
                .createStreaming(ResponseCreateParams.builder()
                        .model("sim-responses")
                        .input("stream me upstream")
                        .build())) {
            stream.stream().forEach(events::add);
        }

        StringBuilder text = new StringBuilder();
        events.stream()
                .filter(ResponseStreamEvent::isOutputTextDelta)
                .forEach(event -> text.append(event.asOutputTextDelta().delta()));
        assertThat(text).hasToString("You said: stream me upstream");
        assertThat(events.getLast().isCompleted()).isTrue();
        assertThat(events.getLast()
                        .asCompleted()
                        .response()
                        .usage()
                        .orElseThrow()
                        .inputTokens())
                .isPositive();
    }

    @Test
    void anUnreachableUpstreamIsAClearServerError() {
        assertThatThrownBy(() -> client.responses()
                        .create(ResponseCreateParams.builder()
                                .model("unreachable")
                                .input("anyone there?")
                                .build()))
                .isInstanceOfSatisfying(
                        InternalServerException.class,
                        e -> assertThat(e.getMessage())
                                .contains(
                                        "The model 'unreachable' is unavailable (could not connect) after 3 attempts."));
    }

    @Test
    void aMidStreamUpstreamFailureEndsTheResponseAsFailed() {
        List<ResponseStreamEvent> events = new ArrayList<>();
        try (StreamResponse<ResponseStreamEvent> stream = client.responses()
                .createStreaming(ResponseCreateParams.builder()
                        .model("flaky")
                        .input("break please")
                        .build())) {
            stream.stream().forEach(events::add);
        }

        assertThat(events)
                .anySatisfy(event -> assertThat(event.isOutputTextDelta()).isTrue());
        assertThat(events.getLast().isFailed()).isTrue();
        ResponseError error = events.getLast().asFailed().response().error().orElseThrow();
        assertThat(error.code()).isEqualTo(ResponseError.Code.SERVER_ERROR);
        assertThat(error.message()).isEqualTo("The model 'flaky' failed mid-stream (error in stream: engine died).");
    }

    @Test
    void anUnknownModelIsRefusedNowThatRoutesAreConfigured() {
        assertThatThrownBy(() -> client.responses()
                        .create(ResponseCreateParams.builder()
                                .model("hotloop-sim")
                                .input("hi")
                                .build()))
                .isInstanceOf(BadRequestException.class)
                .hasMessageContaining("The requested model 'hotloop-sim' does not exist.");
    }
}
