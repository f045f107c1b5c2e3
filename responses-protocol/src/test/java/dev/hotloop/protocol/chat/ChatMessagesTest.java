package dev.hotloop.protocol.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hotloop.protocol.error.ApiException;
import dev.hotloop.protocol.item.FunctionCallItem;
import dev.hotloop.protocol.item.FunctionCallOutputItem;
import dev.hotloop.protocol.item.Item;
import dev.hotloop.protocol.item.MessageItem;
import dev.hotloop.protocol.json.ProtocolJson;
import dev.hotloop.protocol.model.Compaction;
import dev.hotloop.protocol.request.InputReader;
import dev.hotloop.protocol.tool.Tool;
import dev.hotloop.protocol.tool.ToolChoice;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class ChatMessagesTest {

    private static List<Item> items(String json) {
        return InputReader.read(ProtocolJson.mapper().readTree(json));
    }

    private static String chat(String instructions, String itemsJson) {
        return ChatMessages.toChat(instructions, items(itemsJson)).toString();
    }

    @Test
    void instructionsLeadAndCallsJoinTheAssistantMessageBeforeThem() {
        String chat = chat("Be brief.", """
                [{"role":"user","content":"Weather in Paris?"},
                 {"type":"message","role":"assistant","content":[{"type":"output_text","text":"Checking."}]},
                 {"type":"function_call","call_id":"call_1","name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"},
                 {"type":"function_call_output","call_id":"call_1","output":"18C"}]""");

        assertThat(chat).isEqualTo("""
                [{"role":"system","content":"Be brief."},{"role":"user","content":"Weather in Paris?"},\
                {"role":"assistant","content":"Checking.","tool_calls":[{"id":"call_1","type":"function",\
                "function":{"name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"}}]},\
                {"role":"tool","tool_call_id":"call_1","content":"18C"}]""");
    }

    @Test
    void callsWithoutAMessageBeforeThemGetAnAssistantMessageWithEmptyContent() {
        String chat = chat(null, """
                [{"role":"user","content":"go"},
                 {"type":"reasoning","id":"rs_1","summary":[]},
                 {"type":"function_call","call_id":"a","name":"f","arguments":"{}"},
                 {"type":"function_call","call_id":"b","name":"g","arguments":"{}"},
                 {"type":"function_call_output","call_id":"b","output":"B"},
                 {"type":"function_call_output","call_id":"a","output":"A"}]""");

        assertThat(chat).isEqualTo("""
                [{"role":"user","content":"go"},{"role":"assistant","content":"","tool_calls":[\
                {"id":"a","type":"function","function":{"name":"f","arguments":"{}"}},\
                {"id":"b","type":"function","function":{"name":"g","arguments":"{}"}}]},\
                {"role":"tool","tool_call_id":"b","content":"B"},{"role":"tool","tool_call_id":"a","content":"A"}]""");
    }

    @Test
    void partsBecomeChatPartsAndItemsWithoutAChatFormAreDropped() {
        String chat = chat(null, """
                [{"role":"developer","content":[{"type":"input_text","text":"one"},{"type":"input_text","text":"two"}]},
                 {"role":"user","content":[{"type":"input_text","text":"look"},
                   {"type":"input_image","image_url":"https://x/cat.png","detail":"low"},
                   {"type":"input_image","file_id":"file_1"}]},
                 {"type":"custom_tool_call","call_id":"c","name":"apply_patch","input":"*** Begin"},
                 {"type":"custom_tool_call_output","call_id":"c","output":"ok"},
                 {"type":"web_search_call","id":"ws_1","status":"completed"}]""");

        assertThat(chat).isEqualTo("""
                [{"role":"developer","content":[{"type":"text","text":"one"},{"type":"text","text":"two"}]},\
                {"role":"user","content":[{"type":"text","text":"look"},\
                {"type":"image_url","image_url":{"url":"https://x/cat.png","detail":"low"}}]}]""");
    }

    @Test
    void aHotloopCompactionIsItsSummaryAsAUserMessageAndAForeignOneIsDropped() {
        String summary =
                Compaction.item("Summary of 2 items.\nUser: plan a trip").json().toString();
        String chat = chat(
                null,
                "[" + summary + ",{\"type\":\"compaction\",\"encrypted_content\":\"gAAA\"},"
                        + "{\"role\":\"user\",\"content\":\"and the hotel?\"}]");

        assertThat(chat).isEqualTo("""
                [{"role":"user","content":"Summary of the conversation so far:\\nSummary of 2 items.\\nUser: plan a trip"},\
                {"role":"user","content":"and the hotel?"}]""");
    }

    @Test
    void hostedShellCallsAreCallsOfTheShellFunction() {
        String chat = chat(null, """
                [{"role":"user","content":"list"},
                 {"type":"shell_call","id":"sh_1","call_id":"call_s","status":"completed",
                  "action":{"commands":["ls"],"timeout_ms":1000}},
                 {"type":"shell_call_output","id":"sho_1","call_id":"call_s","status":"completed",
                  "output":[{"stdout":"a.txt","stderr":"","outcome":{"type":"exit","exit_code":0}}]}]""");

        assertThat(chat).isEqualTo("""
                [{"role":"user","content":"list"},{"role":"assistant","content":"","tool_calls":[{"id":"call_s",\
                "type":"function","function":{"name":"shell","arguments":"{\\"commands\\":[\\"ls\\"],\\"timeout_ms\\":1000}"}}]},\
                {"role":"tool","tool_call_id":"call_s","content":"[{\\"stdout\\":\\"a.txt\\",\\"stderr\\":\\"\\",\
                \\"outcome\\":{\\"type\\":\\"exit\\",\\"exit_code\\":0}}]"}]""");
    }

    @Test
    void chatMessagesReadBackAsItems() {
        JsonNode messages = ProtocolJson.mapper().readTree("""
                [{"role":"system","content":"sys"},
                 {"role":"user","content":[{"type":"text","text":"hi"},{"type":"image_url","image_url":{"url":"u"}}]},
                 {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function",
                   "function":{"name":"f","arguments":"{}"}}]},
                 {"role":"tool","tool_call_id":"call_1","content":"out"},
                 {"role":"assistant","content":"done"}]""");

        List<Item> items = ChatMessages.fromChat(messages);

        assertThat(items).hasSize(5);
        assertThat(((MessageItem) items.get(0)).role()).isEqualTo("system");
        assertThat(items.get(1).json().path("content").get(1).path("type").asString())
                .isEqualTo("input_image");
        assertThat(((FunctionCallItem) items.get(2)).callId()).isEqualTo("call_1");
        assertThat(((FunctionCallOutputItem) items.get(3)).outputText()).isEqualTo("out");
        assertThat(((MessageItem) items.get(4)).text()).isEqualTo("done");
        assertThat(items.get(4).producedByModel()).isTrue();
    }

    @Test
    void malformedMessagesAre400sNamingTheField() {
        assertThatThrownBy(() -> ChatMessages.fromChat(ProtocolJson.mapper().readTree("[{\"role\":\"robot\"}]")))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.error().param()).isEqualTo("messages[0].role"));
        assertThatThrownBy(() -> ChatMessages.fromChat(
                        ProtocolJson.mapper().readTree("[{\"role\":\"tool\",\"content\":\"x\"}]")))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.error().param()).isEqualTo("messages[0].tool_call_id"));
    }

    @Test
    void toolsAndToolChoiceTakeTheirChatForm() {
        List<Tool> tools = dev.hotloop.protocol.request.CreateRequestReader.read(("""
                {"tools":[{"type":"function","name":"f","description":"d","parameters":{"type":"object"}},
                          {"type":"shell"},{"type":"web_search"}],
                 "tool_choice":{"type":"function","name":"f"}}""").getBytes())
                .tools();

        assertThat(ChatTools.toChat(tools).toString()).isEqualTo("""
                [{"type":"function","function":{"name":"f","description":"d","parameters":{"type":"object"}}},\
                {"type":"function","function":{"name":"shell","description":"Runs shell commands and returns their output.",\
                "parameters":%s}}]""".formatted(
                        ChatTools.toChat(tools).get(1).path("function").path("parameters")));
        assertThat(ChatTools.toolChoice(new ToolChoice(ToolChoice.Mode.FUNCTION, "f", null))
                        .toString())
                .isEqualTo("{\"type\":\"function\",\"function\":{\"name\":\"f\"}}");
        assertThat(ChatTools.toolChoice(ToolChoice.AUTO).asString()).isEqualTo("auto");

        List<Tool> back = ChatTools.fromChat(ChatTools.toChat(tools));
        assertThat(back).extracting(Tool::type).containsExactly("function", "function");
        assertThat(ChatTools.toolChoiceFromChat(
                        ChatTools.toolChoice(new ToolChoice(ToolChoice.Mode.FUNCTION, "f", null))))
                .satisfies(choice -> assertThat(choice.functionName()).isEqualTo("f"));
    }
}
