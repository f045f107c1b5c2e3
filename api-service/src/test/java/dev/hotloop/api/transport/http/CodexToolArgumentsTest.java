package dev.hotloop.api.transport.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.hotloop.api.PlatformTest;
import dev.hotloop.protocol.json.ProtocolJson;
import dev.hotloop.simulator.reply.ArgumentsGenerator;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

/**
 * The simulator's arguments for the tools Codex CLI 0.169 declares, read as Codex reads them: against each tool's
 * schema (required properties, types, enums, no others), then into the typed structs of its argument parser, where
 * an integer count written {@code 1.0} is an error.
 */
class CodexToolArgumentsTest extends PlatformTest {

    /** Codex's {@code exec_command} arguments: integers where it counts, the rest optional. */
    record ExecCommand(
            String cmd,
            String workdir,
            String shell,
            Boolean login,
            Boolean tty,
            Long yieldTimeMs,
            Long maxOutputTokens,
            String sandboxPermissions,
            String justification,
            List<String> prefixRule) {}

    /** Codex's {@code write_stdin} arguments: the session is an {@code i32}. */
    record WriteStdin(int sessionId, String chars, Long yieldTimeMs, Long maxOutputTokens) {}

    /** Codex's {@code wait_agent} arguments. */
    record WaitAgent(List<String> targets, Long timeoutMs) {}

    /** serde's rules: no unknown fields, no float where an integer is declared. */
    private static final JsonMapper STRICT = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .build();

    private static final SchemaRegistry SCHEMAS = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

    @Test
    void everyDeclaredFunctionGetsArgumentsItsSchemaAcceptsWithOnlyTheRequiredProperties() throws IOException {
        List<JsonNode> functions =
                functions(CodexReplayTest.capturedBody("http-turn1.json").path("tools"));
        assertThat(functions).hasSizeGreaterThan(8);

        for (JsonNode function : functions) {
            JsonNode parameters = function.path("parameters");
            JsonNode arguments = ProtocolJson.mapper().readTree(ArgumentsGenerator.argumentsFor(parameters));

            assertThat(SCHEMAS.getSchema(parameters).validate(arguments))
                    .as(function.path("name").asString() + " " + arguments)
                    .isEmpty();
            List<String> required = new ArrayList<>();
            parameters.path("required").forEach(name -> required.add(name.asString()));
            assertThat(arguments.propertyNames()).containsExactlyInAnyOrderElementsOf(required);
        }
    }

    @Test
    void codexReadsTheArgumentsIntoItsTypes() throws IOException {
        JsonNode tools = CodexReplayTest.capturedBody("http-turn1.json").path("tools");

        ExecCommand exec = STRICT.readValue(arguments(tools, "exec_command"), ExecCommand.class);
        WriteStdin stdin = STRICT.readValue(arguments(tools, "write_stdin"), WriteStdin.class);
        WaitAgent wait = STRICT.readValue(arguments(tools, "wait_agent"), WaitAgent.class);

        assertThat(exec.cmd()).isNotBlank();
        assertThat(exec.login()).as("an option left to Codex's default").isNull();
        assertThat(exec.workdir()).isNull();
        assertThat(stdin.sessionId()).isEqualTo(1);
        assertThat(wait.targets()).hasSize(1);
    }

    @Test
    void theDefaultLoopsCallOfCodexsFirstToolParsesAsCodexReadsIt() throws IOException {
        RawHttp http = new RawHttp(baseUrl(), ACME_KEY);
        JsonNode body = CodexReplayTest.capturedBody("http-turn1.json");

        RawHttp.Reply reply = http.post("/responses", ProtocolJson.mapper().writeValueAsBytes(body));

        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        JsonNode call = null;
        for (JsonNode item : reply.events().getLast().path("response").path("output")) {
            if ("function_call".equals(item.path("type").asString())) {
                call = item;
            }
        }
        assertThat(call).as("the simulator calls the first function").isNotNull();
        assertThat(call.path("name").asString()).isEqualTo("exec_command");
        assertThat(STRICT.readValue(call.path("arguments").asString(), ExecCommand.class)
                        .cmd())
                .isEqualTo("example");
    }

    private static String arguments(JsonNode tools, String name) {
        return functions(tools).stream()
                .filter(function -> name.equals(function.path("name").asString()))
                .findFirst()
                .map(function -> ArgumentsGenerator.argumentsFor(function.path("parameters")))
                .orElseThrow();
    }

    /** The function tools, those inside namespaces included. */
    private static List<JsonNode> functions(JsonNode tools) {
        List<JsonNode> functions = new ArrayList<>();
        for (JsonNode tool : tools) {
            if ("function".equals(tool.path("type").asString())) {
                functions.add(tool);
            } else if ("namespace".equals(tool.path("type").asString())) {
                functions.addAll(functions(tool.path("tools")));
            }
        }
        return functions;
    }
}
