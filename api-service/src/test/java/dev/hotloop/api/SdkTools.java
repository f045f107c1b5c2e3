package dev.hotloop.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.core.JsonValue;
import com.openai.models.responses.FunctionTool;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseInputItem;
import com.openai.models.responses.ResponseOutputItem;
import java.util.List;
import java.util.Map;

/** Function tools, calls and outputs for the SDK-driven tests. */
public final class SdkTools {

    private SdkTools() {}

    /** A function taking one required string argument. */
    public static FunctionTool function(String name, String argument) {
        return FunctionTool.builder()
                .name(name)
                .parameters(FunctionTool.Parameters.builder()
                        .putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of(argument, Map.of("type", "string"))))
                        .putAdditionalProperty("required", JsonValue.from(List.of(argument)))
                        .build())
                .strict(false)
                .build();
    }

    /** The response's one function call (fails the test when there are none or several). */
    public static ResponseFunctionToolCall onlyCall(Response response) {
        List<ResponseOutputItem> calls = response.output().stream()
                .filter(ResponseOutputItem::isFunctionCall)
                .toList();
        assertThat(calls).hasSize(1);
        return calls.getFirst().asFunctionCall();
    }

    /** The client's answer to a function call. */
    public static ResponseInputItem output(String callId, String output) {
        return ResponseInputItem.ofFunctionCallOutput(ResponseInputItem.FunctionCallOutput.builder()
                .callId(callId)
                .output(output)
                .build());
    }
}
