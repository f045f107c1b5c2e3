package dev.hotloop.protocol.request;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.hotloop.protocol.error.ApiException;
import dev.hotloop.protocol.id.ConversationIds;
import dev.hotloop.protocol.item.FunctionCallOutputItem;
import dev.hotloop.protocol.item.MessageItem;
import dev.hotloop.protocol.item.PassThroughItem;
import dev.hotloop.protocol.json.ProtocolJson;
import dev.hotloop.protocol.tool.FunctionTool;
import dev.hotloop.protocol.tool.HostedTool;
import dev.hotloop.protocol.tool.ToolChoice;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

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
        assertThat(request.background()).isFalse();
        assertThat(request.toolChoice()).isEqualTo(ToolChoice.AUTO);
    }

    @Test
    void backgroundNeedsStoreAsOpenAi() {
        assertThat(read("{\"input\":\"hi\",\"background\":true}").background()).isTrue();

        ApiException refused = failure("{\"input\":\"hi\",\"background\":true,\"store\":false}");

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.error().param()).isEqualTo("background");
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
        assertThat(message.json().path("content").get(0).path("type").asString())
                .isEqualTo("output_text");
        assertThat(message.json().path("x_extra").asInt()).isEqualTo(1);
        assertThat(request.input().get(1))
                .isInstanceOfSatisfying(
                        PassThroughItem.class,
                        reasoning -> assertThat(reasoning
                                        .json()
                                        .path("encrypted_content")
                                        .asString())
                                .isEqualTo("opaque=="));
        assertThat(((FunctionCallOutputItem) request.input().get(3)).outputText())
                .isEqualTo("ok");
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
        assertThat(failure("{\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":3}]}]}")
                        .error()
                        .param())
                .isEqualTo("input[0].content[0].text");
        assertThat(failure("{\"top_p\":2}").error().param()).isEqualTo("top_p");
        assertThat(failure("{\"metadata\":{\"a\":\"" + "v".repeat(513) + "\"}}")
                        .error()
                        .param())
                .isEqualTo("metadata.a");
        assertThat(failure("{\"include\":[1]}").error().param()).isEqualTo("include[0]");
        ApiException duplicate =
                failure("{\"tools\":[{\"type\":\"function\",\"name\":\"f\"},{\"type\":\"function\",\"name\":\"f\"}]}");
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
        assertThatThrownBy(() -> read("{\"input\":"))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.status()).isEqualTo(400));
        assertThatThrownBy(() -> read("")).isInstanceOf(ApiException.class);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"input\":\"x\\ud800y\"}                                                          | input",
                "{\"input\":\"x\\udc00\"}                                                           | input",
                "{\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"\\ud83d\"}]}]} | input[0].content[0].text",
                "{\"input\":\"hi\",\"instructions\":\"be \\udfff\"}                              | instructions",
                "{\"input\":\"hi\",\"metadata\":{\"k\":\"\\ud800\"}}                              | metadata.k",
                "{\"input\":\"hi\",\"metadata\":{\"\\ud800\":\"v\"}}                              | metadata",
                "{\"input\":\"hi\",\"tools\":[{\"type\":\"function\",\"name\":\"f\",\"description\":\"\\ud800\"}]} | tools[0].description",
                "{\"input\":\"hi\",\"previous_response_id\":\"resp_\\ud800\"}                     | previous_response_id",
                "{\"input\":\"hi\",\"brand_new\":[\"\\ud800\"]}                                   | brand_new[0]",
            })
    void loneSurrogatesAreRefusedNamingTheField(String json, String param) {
        // a WebSocket frame's text is parsed to a tree before it is read; an HTTP body is read from its bytes
        JsonNode frame = ProtocolJson.mapper().readTree(json);
        ApiException fromTree = catchThrowableOfType(ApiException.class, () -> CreateRequestReader.read(frame));
        ApiException fromBytes = failure(json);

        for (ApiException error : List.of(fromTree, fromBytes)) {
            assertThat(error.status()).isEqualTo(400);
            // the error itself must be writable as UTF-8
            assertThat(ProtocolJson.mapper().writeValueAsString(error.error().asBody()))
                    .isNotEmpty();
        }
        assertThat(fromTree.error().param()).isEqualTo(param);
        assertThat(fromTree.error().code()).isEqualTo("invalid_value");
        assertThat(fromTree.error().message()).contains("surrogate");
        // the byte parser itself refuses a lone surrogate in a field name, as malformed JSON
        assertThat(fromBytes.error().param()).isIn(param, null);
    }

    @Test
    void surrogatePairsAreText() {
        CreateRequest request = read("{\"input\":\"smile \\ud83d\\ude00\"}");

        assertThat(((MessageItem) request.input().getFirst()).text()).isEqualTo("smile \uD83D\uDE00");
    }

    @Test
    void whatIsAcceptedCanBeWrittenBackInAnyEnvelope() {
        String deepest = nested(ProtocolJson.MAX_CLIENT_DEPTH - 3);
        CreateRequest request = read("{\"input\":[{\"type\":\"reasoning\",\"summary\":[],\"x\":" + deepest + "}]}");

        ObjectNode envelope = ProtocolJson.nodes().objectNode();
        ObjectNode current = envelope;
        for (int level = 0; level < 8; level++) {
            current = current.putObject("wrapper");
        }
        current.putArray("items").add(request.input().getFirst().json());
        byte[] written = ProtocolJson.mapper().writeValueAsBytes(envelope);
        assertThat(ProtocolJson.mapper().readTree(written).findValue("items")).isNotNull();
    }

    @Test
    void nestingDeeperThanTheLimitIsA400() {
        String tooDeep = "{\"input\":\"hi\",\"text\":" + nested(ProtocolJson.MAX_CLIENT_DEPTH) + "}";

        ApiException fromBytes = failure(tooDeep);
        assertThat(fromBytes.status()).isEqualTo(400);
        assertThat(fromBytes.error().message()).contains(String.valueOf(ProtocolJson.MAX_CLIENT_DEPTH));

        // a tree parsed elsewhere (a WebSocket frame) is held to the same limit
        JsonNode tree = ProtocolJson.mapper().readTree(tooDeep);
        assertThatThrownBy(() -> CreateRequestReader.read(tree)).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.error().param()).startsWith("text.a.a");
            assertThat(e.error().message()).contains(String.valueOf(ProtocolJson.MAX_CLIENT_DEPTH));
        });

        assertThat(failure("{\"input\":\"hi\",\"text\":" + nested(2_000) + "}").status())
                .isEqualTo(400);
    }

    @Test
    void overlongOrForeignPreviousResponseIdsAreInvalidValues() {
        ApiException overlong =
                failure("{\"input\":\"hi\",\"previous_response_id\":\"resp_" + "a".repeat(5_000) + "\"}");
        assertThat(overlong.error().param()).isEqualTo("previous_response_id");
        assertThat(overlong.error().code()).isEqualTo("invalid_value");
        assertThat(overlong.error().message()).hasSizeLessThan(300);

        ApiException foreign = failure("{\"input\":\"hi\",\"previous_response_id\":\"msg_1\"}");
        assertThat(foreign.error().param()).isEqualTo("previous_response_id");
        assertThat(foreign.error().code()).isEqualTo("invalid_value");

        assertThat(read("{\"input\":\"hi\",\"previous_response_id\":\"resp_missing\"}")
                        .previousResponseId())
                .isEqualTo("resp_missing");
    }

    @Test
    void aConversationIsNamedByItsIdOrAnObjectHoldingIt() {
        String id = ConversationIds.newConversation();

        assertThat(read("{\"input\":\"hi\",\"conversation\":\"" + id + "\"}").conversation())
                .isEqualTo(id);
        assertThat(read("{\"input\":\"hi\",\"conversation\":{\"id\":\"" + id + "\"}}")
                        .conversation())
                .isEqualTo(id);
        assertThat(read("{\"input\":\"hi\",\"conversation\":null}").conversation())
                .isNull();
    }

    @Test
    void aConversationThatNoIdOfOursCouldNameIsRefused() {
        for (String conversation : List.of("\"conv_1\"", "\"conv_" + "a".repeat(5_000) + "\"", "{}", "7")) {
            ApiException refused = failure("{\"input\":\"hi\",\"conversation\":" + conversation + "}");
            assertThat(refused.error().param()).as(conversation).startsWith("conversation");
            assertThat(refused.error().message()).hasSizeLessThan(300);
        }
    }

    @Test
    void aConversationWithAPreviousResponseIsRefusedAsOpenAiDoes() {
        ApiException both = failure("{\"input\":\"hi\",\"previous_response_id\":\"resp_1\",\"conversation\":\""
                + ConversationIds.newConversation() + "\"}");

        assertThat(both.status()).isEqualTo(400);
        assertThat(both.error().param()).isEqualTo("conversation");
        assertThat(both.error().code()).isEqualTo("mutually_exclusive_parameters");
    }

    /** {@code {"a":{"a":…{}…}}}, {@code depth} objects deep. */
    private static String nested(int depth) {
        return "{\"a\":".repeat(depth - 1) + "{}" + "}".repeat(depth - 1);
    }
}
