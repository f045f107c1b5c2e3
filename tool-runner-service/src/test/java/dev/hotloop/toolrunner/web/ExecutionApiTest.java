package dev.hotloop.toolrunner.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hotloop.toolrunner.ToolRunnerIntegrationTest;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

class ExecutionApiTest extends ToolRunnerIntegrationTest {

    @Test
    void toolsListsTheShellThenTheConfiguredFunctions() {
        JsonNode body = http.get()
                .uri("/internal/v1/tools")
                .exchange()
                .expectStatus()
                .isOk()
                .expectHeader()
                .contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
                .expectBody(JsonNode.class)
                .returnResult()
                .getResponseBody();
        JsonNode tools = body.get("tools");
        assertThat(tools).hasSize(4);
        assertThat(tools.get(0)).isEqualTo(json.readTree("{\"type\":\"shell\"}"));
        assertThat(tools.get(1).get("type").stringValue()).isEqualTo("function");
        assertThat(tools.get(1).get("name").stringValue()).isEqualTo("read_file");
        assertThat(tools.get(1).get("description").stringValue()).isEqualTo("Print one file of the workspace.");
        assertThat(tools.get(1).get("parameters").get("required")).isEqualTo(json.readTree("[\"path\"]"));
        assertThat(tools.get(1).get("strict").booleanValue()).isFalse();
        assertThat(tools.get(2).get("name").stringValue()).isEqualTo("word_count");
        assertThat(tools.get(3).get("name").stringValue()).isEqualTo("print_text");
    }

    @Test
    void shellAnswersOneOutputEntryPerCommandInTheShellCallOutputShape() {
        String chain = newChain();
        JsonNode body = shell(chain, List.of("echo hello; echo oops >&2", "exit 3", "pwd; id -un; echo $HOME"), 10_000);

        assertThat(body.get("call_id").stringValue()).startsWith("call_");
        assertThat(body.get("tool").stringValue()).isEqualTo("shell");
        assertThat(body.get("max_output_length").intValue())
                .isEqualTo(properties.execution().defaultOutputLength());
        assertThat(body.get("truncated").booleanValue()).isFalse();
        JsonNode output = body.get("output");
        assertThat(output).hasSize(3);
        assertThat(output.get(0)).isEqualTo(json.readTree("""
                {"stdout":"hello\\n","stderr":"oops\\n","outcome":{"type":"exit","exit_code":0}}"""));
        assertThat(output.get(1)).isEqualTo(json.readTree("""
                {"stdout":"","stderr":"","outcome":{"type":"exit","exit_code":3}}"""));
        assertThat(stdout(output.get(2))).isEqualTo("/workspace\nsandbox\n/workspace\n");
    }

    @Test
    void workspacePersistsAcrossTurnsOfAChain() {
        String chain = newChain();
        assertThat(exitCode(only(shell(chain, "mkdir -p notes && echo 'first turn' > notes/a.txt"))))
                .isZero();

        JsonNode next = only(shell(chain, "cat notes/a.txt"));
        assertThat(stdout(next)).isEqualTo("first turn\n");
    }

    @Test
    void scratchTmpIsPrivateToOneExecution() {
        String chain = newChain();
        shell(chain, "echo scratch > /tmp/scratch.txt");

        JsonNode next = only(shell(chain, "cat /tmp/scratch.txt"));
        assertThat(exitCode(next)).isNotZero();
    }

    @Test
    void configuredToolRunsItsArgvWithTheArgumentsAsSingleElements() {
        String chain = newChain();
        shell(chain, "printf 'one two\\nthree\\n' > a.txt && printf 'x\\n' > b.txt");

        JsonNode count = function(
                chain,
                "word_count",
                json.createObjectNode().set("files", json.readTree("[\"a.txt\", \"/workspace/b.txt\"]")));
        assertThat(count.get("tool").stringValue()).isEqualTo("word_count");
        assertThat(count.get("call_id").stringValue()).isEqualTo("call_1");
        assertThat(count.get("outcome")).isEqualTo(json.readTree("{\"type\":\"exit\",\"exit_code\":0}"));
        assertThat(count.get("stdout").stringValue())
                .contains(" 2  3 14 ./a.txt", " 1  1  2 ./b.txt", " 3  4 16 total");
        assertThat(count.get("output").stringValue())
                .isEqualTo(count.get("stdout").stringValue());

        // shell syntax in an argument is just text: nothing interprets it
        String text = "$(id) `id` ; touch /workspace/pwned && echo '\"quoted\"' | cat * > x";
        JsonNode printed = function(chain, "print_text", json.createObjectNode().put("text", text));
        assertThat(printed.get("stdout").stringValue()).isEqualTo(text);
        assertThat(stdout(only(shell(chain, "ls")))).isEqualTo("a.txt\nb.txt\n");
    }

    @Test
    void configuredToolTakesItsArgumentsAsTheJsonStringOfAFunctionCall() {
        String chain = newChain();
        shell(chain, "echo content > f.txt");
        ObjectNode request = json.createObjectNode().put("tool", "read_file").put("arguments", "{\"path\":\"f.txt\"}");

        execute(TENANT, chain, request)
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.output")
                .isEqualTo("content\n");
    }

    @Test
    void failingConfiguredToolReportsStderrAndExitCodeInItsOutput() {
        JsonNode missing =
                function(newChain(), "read_file", json.createObjectNode().put("path", "missing.txt"));

        assertThat(missing.get("outcome").get("exit_code").intValue()).isEqualTo(1);
        assertThat(missing.get("stderr").stringValue()).contains("missing.txt: No such file or directory");
        assertThat(missing.get("output").stringValue())
                .isEqualTo("[stderr]\n" + missing.get("stderr").stringValue() + "[exit code 1]");
    }

    @Test
    void timeoutAndOutputLengthAboveTheMaximumAreLowered() {
        JsonNode body = shell(TENANT, newChain(), List.of("echo ok"), 3_600_000, 999_999_999);

        assertThat(body.get("max_output_length").intValue())
                .isEqualTo(properties.execution().maxOutputLength());
    }

    @Test
    void invalidArgumentsAre400WithTheOffendingParam() {
        String chain = newChain();
        expectError(
                chain,
                "{\"tool\":\"shell\",\"arguments\":{\"commands\":[]}}",
                400,
                "arguments.commands",
                "invalid_value");
        expectError(
                chain,
                "{\"tool\":\"shell\",\"arguments\":{\"commands\":[\"ls\", 7]}}",
                400,
                "arguments.commands[1]",
                "invalid_type");
        expectError(
                chain,
                "{\"tool\":\"shell\",\"arguments\":{\"commands\":[\"ls\"],\"timeout_ms\":0}}",
                400,
                "arguments.timeout_ms",
                "invalid_value");
        expectError(
                chain,
                "{\"tool\":\"shell\",\"arguments\":{\"commands\":[\"ls\"],\"max_output_length\":1.5}}",
                400,
                "arguments.max_output_length",
                "invalid_type");
        expectError(chain, "{\"tool\":\"shell\"}", 400, "arguments", "missing_required_parameter");
        expectError(chain, "{\"arguments\":{}}", 400, "tool", "missing_required_parameter");
        expectError(
                chain,
                "{\"tool\":\"read_file\",\"arguments\":{}}",
                400,
                "arguments.path",
                "missing_required_parameter");
        expectError(
                chain, "{\"tool\":\"read_file\",\"arguments\":{\"path\":5}}", 400, "arguments.path", "invalid_type");
        expectError(
                chain,
                "{\"tool\":\"read_file\",\"arguments\":{\"path\":\"a\",\"mode\":\"x\"}}",
                400,
                "arguments.mode",
                "unknown_parameter");
        expectError(
                chain,
                "{\"tool\":\"print_text\",\"arguments\":{\"text\":\"a\",\"style\":\"quiet\"}}",
                400,
                "arguments.style",
                "invalid_value");
        expectError(
                chain,
                "{\"tool\":\"word_count\",\"arguments\":{\"files\":[]}}",
                400,
                "arguments.files",
                "invalid_value");
        expectError(chain, "{\"tool\":\"read_file\",\"arguments\":\"{not json\"}", 400, "arguments", "invalid_json");
        expectError(chain, "{\"tool\":", 400, null, "invalid_json");
    }

    @Test
    void unknownToolIs404() {
        expectError(newChain(), "{\"tool\":\"web_search\",\"arguments\":{}}", 404, "tool", "tool_not_found");
    }

    @Test
    void workspaceCanBeDeletedAndThenStartsEmpty() {
        String chain = newChain();
        shell(chain, "echo data > keep.txt");

        http.delete()
                .uri("/internal/v1/tenants/{tenant}/chains/{chain}/workspace", TENANT, chain)
                .exchange()
                .expectStatus()
                .isNoContent();
        http.delete()
                .uri("/internal/v1/tenants/{tenant}/chains/{chain}/workspace", TENANT, chain)
                .exchange()
                .expectStatus()
                .isNotFound()
                .expectBody()
                .jsonPath("$.error.type")
                .isEqualTo("invalid_request_error");
        assertThat(stdout(only(shell(chain, "ls -A")))).isEmpty();
    }

    @Test
    void unknownRouteIsAnOpenAiShaped404() {
        http.get()
                .uri("/internal/v1/nothing")
                .exchange()
                .expectStatus()
                .isNotFound()
                .expectBody()
                .jsonPath("$.error.type")
                .isEqualTo("invalid_request_error");
    }

    private void expectError(String chain, String body, int status, String param, String code) {
        var spec = execute(TENANT, chain, body)
                .expectStatus()
                .isEqualTo(HttpStatus.valueOf(status))
                .expectBody()
                .jsonPath("$.error.code")
                .isEqualTo(code)
                .jsonPath("$.error.message")
                .isNotEmpty();
        if (param == null) {
            spec.jsonPath("$.error.param").doesNotExist();
        } else {
            spec.jsonPath("$.error.param").isEqualTo(param);
        }
    }
}
