package dev.hotloop.api.loop;

import static dev.hotloop.api.SdkTools.onlyCall;
import static dev.hotloop.api.SdkTools.output;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.errors.BadRequestException;
import com.openai.models.responses.FunctionTool;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseItem;
import com.openai.models.responses.ToolChoiceOptions;
import com.openai.models.responses.inputitems.InputItemListParams;
import dev.hotloop.api.PlatformTest;
import dev.hotloop.api.SdkTools;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A client-executed function-calling loop chained with previous_response_id, as agents run it. */
class AgentLoopTest extends PlatformTest {

    private static final FunctionTool WEATHER = SdkTools.function("get_weather", "city");

    private OpenAIClient client;

    @BeforeEach
    void sdk() {
        client = client();
    }

    @Test
    void twentyTurnLoopKeepsEveryCallAndOutputInOrder() {
        Response response = client.responses()
                .create(ResponseCreateParams.builder()
                        .model(MODEL)
                        .input("Check the weather in twenty cities.")
                        .addTool(WEATHER)
                        .toolChoice(ToolChoiceOptions.REQUIRED)
                        .build());
        List<String> callIds = new ArrayList<>();
        for (int turn = 2; turn <= 20; turn++) {
            ResponseFunctionToolCall call = onlyCall(response);
            assertThat(call.name()).isEqualTo("get_weather");
            assertThat(call.arguments()).contains("\"city\"");
            callIds.add(call.callId());
            response = client.responses()
                    .create(ResponseCreateParams.builder()
                            .model(MODEL)
                            .previousResponseId(response.id())
                            .input(ResponseCreateParams.Input.ofResponse(
                                    List.of(output(call.callId(), "result-" + turn))))
                            .addTool(WEATHER)
                            .toolChoice(turn < 20 ? ToolChoiceOptions.REQUIRED : ToolChoiceOptions.AUTO)
                            .build());
        }

        assertThat(response.output())
                .singleElement()
                .satisfies(item -> assertThat(item.isMessage()).isTrue());
        assertThat(outputText(response)).contains("result-20");

        List<ResponseItem> items = new ArrayList<>();
        client.responses()
                .inputItems()
                .list(
                        response.id(),
                        InputItemListParams.builder()
                                .order(InputItemListParams.Order.ASC)
                                .limit(100)
                                .build())
                .autoPager()
                .forEach(items::add);
        assertThat(items).hasSize(1 + 2 * 19);
        for (int i = 0; i < 19; i++) {
            ResponseItem call = items.get(1 + 2 * i);
            ResponseItem output = items.get(2 + 2 * i);
            assertThat(call.asFunctionCall().callId()).isEqualTo(callIds.get(i));
            assertThat(output.asFunctionCallOutput().callId()).contains(callIds.get(i));
            assertThat(output.asFunctionCallOutput().output().asString()).isEqualTo("result-" + (i + 2));
        }
    }

    @Test
    void continuationWithoutTheCallsOutputIs400() {
        Response response = client.responses()
                .create(ResponseCreateParams.builder()
                        .model(MODEL)
                        .input("weather please")
                        .addTool(WEATHER)
                        .build());
        onlyCall(response);

        assertThatThrownBy(() -> client.responses()
                        .create(ResponseCreateParams.builder()
                                .model(MODEL)
                                .previousResponseId(response.id())
                                .input("never mind")
                                .addTool(WEATHER)
                                .build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> {
                    assertThat(e.param()).contains("input");
                    assertThat(e.getMessage()).contains("No tool output found for function call");
                });
    }

    @Test
    void outputForAnUnknownCallIs400() {
        Response response = client.responses()
                .create(ResponseCreateParams.builder()
                        .model(MODEL)
                        .input("hello")
                        .build());

        assertThatThrownBy(() -> client.responses()
                        .create(ResponseCreateParams.builder()
                                .model(MODEL)
                                .previousResponseId(response.id())
                                .input(ResponseCreateParams.Input.ofResponse(List.of(output("call_nope", "x"))))
                                .build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> {
                    assertThat(e.param()).contains("input[0].call_id");
                    assertThat(e.getMessage()).contains("call_nope");
                });
    }

    @Test
    void twoContinuationsOfOneResponseBranch() {
        Response root = client.responses()
                .create(ResponseCreateParams.builder()
                        .model(MODEL)
                        .input("root")
                        .build());
        Response left = client.responses()
                .create(ResponseCreateParams.builder()
                        .model(MODEL)
                        .previousResponseId(root.id())
                        .input("left")
                        .build());
        Response right = client.responses()
                .create(ResponseCreateParams.builder()
                        .model(MODEL)
                        .previousResponseId(root.id())
                        .input("right")
                        .build());

        assertThat(texts(left.id())).containsExactly("root", "answer", "left");
        assertThat(texts(right.id())).containsExactly("root", "answer", "right");
    }

    private List<String> texts(String responseId) {
        List<String> texts = new ArrayList<>();
        client.responses()
                .inputItems()
                .list(
                        responseId,
                        InputItemListParams.builder()
                                .order(InputItemListParams.Order.ASC)
                                .build())
                .autoPager()
                .forEach(item -> texts.add(
                        item.isResponseInputMessageItem()
                                ? item.asResponseInputMessageItem()
                                        .content()
                                        .getFirst()
                                        .asInputText()
                                        .text()
                                : "answer"));
        return texts;
    }
}
