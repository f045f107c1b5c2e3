package dev.hotloop.protocol.request;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hotloop.protocol.error.ApiException;
import dev.hotloop.protocol.item.FunctionCallOutputItem;
import dev.hotloop.protocol.item.MessageItem;
import dev.hotloop.protocol.item.PassThroughItem;
import dev.hotloop.protocol.json.ProtocolJson;
import dev.hotloop.protocol.tool.FunctionTool;
import dev.hotloop.protocol.tool.HostedTool;
import dev.hotloop.protocol.tool.ToolChoice;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CreateRequestReaderTest {

    private static CreateRequest read(String json) {
        return CreateRequestReader.read(json.getBytes(StandardCharsets.UTF_8));
    }

    private static ApiException failure(String json) {
        try {
            read(json);
        } catch (ApiException e) {
            return e;
        }
        throw new AssertionError("expected a 400 for " + json);
    }

    @Test
    void stringInputBecomesOneUserMessageWithIdAndDefaultsApply() {
        CreateRequest request = read("{\"model\":\"m\",\"input\":\"hi\"}");

        assertThat(request.input()).singleElement().isInstanceOfSatisfying(MessageItem.class, message -> {
            assertThat(message.role()).isEqualTo("user");
            assertThat(message.text()).isEqualTo("hi");
            assertThat(message.id()).startsWith("msg_");
        });
        assertThat(request.store()).isTrue();
        assertThat(request.stream()).isFalse();
        assertThat(request.parallelToolCalls()).isTrue();
        assertThat(request.generate()).isTrue();
        assertThat(request.toolChoice()).isEqualTo(ToolChoice.AUTO);
    }

    @Test
    void shortHandMessageIsExpandedAndUnknownFieldsAreKept() {
        CreateRequest request = read("""
                {"input":[{"role":"assistant","content":"done","x_extra":1},
                          {"type":"reasoning","id":"rs_1","summary":[],"encrypted_content":"opaque=="},
                          {"type":"function_call","call_id":"c1","name":"f","arguments":"{}"},
                          {"type":"function_call_output","call_id":"c1","output":[{"type":"input_text","text":"ok"}]}]}
                """);

        MessageItem message = (MessageItem) request.input().get(0);
        assertThat(message.json().path("type").asString()).isEqualTo("message");
        assertThat(message.json().path("content").get(0).path("type").asString()).isEqualTo("output_text");
        assertThat(message.json().path("x_extra").asInt()).isEqualTo(1);
        assertThat(request.input().get(1)).isInstanceOfSatisfying(PassThroughItem.class,
                reasoning -> assertThat(reasoning.json().path("encrypted_content").asString()).isEqualTo("opaque=="));
        assertThat(((FunctionCallOutputItem) request.input().get(3)).outputText()).isEqualTo("ok");
    }

    @Test
    void hostedAndCustomToolsAreAcceptedAndKeptAsSent() {
        CreateRequest request = read("""
                {"tools":[{"type":"function","name":"exec_command","parameters":{"type":"object"}},
                          {"type":"web_search","external_web_access":false},
                          {"type":"namespace","name":"ns","tools":[]},
                          {"type":"custom","name":"apply_patch","format":{"type":"grammar"}}],
                 "tool_choice":{"type":"function","name":"exec_command"}}
                """);

        assertThat(request.tools()).hasSize(4);
        assertThat(request.tools().get(0)).isInstanceOf(FunctionTool.class);
        assertThat(request.tools().get(1)).isInstanceOf(HostedTool.class);
        assertThat(ProtocolJson.mapper().writeValueAsString(request.tools().get(1)))
                .isEqualTo("{\"type\":\"web_search\",\"external_web_access\":false}");
        assertThat(request.toolChoice().mode()).isEqualTo(ToolChoice.Mode.FUNCTION);
        assertThat(request.toolChoice().functionName()).isEqualTo("exec_command");
    }

    @Test
    void errorsNameTheFieldWithItsPath() {
        assertThat(failure("{\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":3}]}]}").error()
                .param()).isEqualTo("input[0].content[0].text");
        assertThat(failure("{\"top_p\":2}").error().param()).isEqualTo("top_p");
        assertThat(failure("{\"metadata\":{\"a\":\"" + "v".repeat(513) + "\"}}").error().param()).isEqualTo("metadata.a");
        assertThat(failure("{\"include\":[1]}").error().param()).isEqualTo("include[0]");
        ApiException duplicate = failure("{\"tools\":[{\"type\":\"function\",\"name\":\"f\"},{\"type\":\"function\",\"name\":\"f\"}]}");
        assertThat(duplicate.error().param()).isEqualTo("tools[1].name");
        assertThat(duplicate.status()).isEqualTo(400);
    }

    @Test
    void typeErrorsUseOpenAisWording() {
        ApiException error = failure("{\"temperature\":\"warm\"}");

        assertThat(error.error().message())
                .isEqualTo("Invalid type for 'temperature': expected a decimal, but got a string instead.");
        assertThat(error.error().type()).isEqualTo("invalid_request_error");
    }

    @Test
    void malformedJsonIsA400NotAParserError() {
        assertThatThrownBy(() -> read("{\"input\":")).isInstanceOfSatisfying(ApiException.class,
                e -> assertThat(e.status()).isEqualTo(400));
        assertThatThrownBy(() -> read("")).isInstanceOf(ApiException.class);
    }
}
