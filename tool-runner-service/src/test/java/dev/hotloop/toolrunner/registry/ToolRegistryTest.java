package dev.hotloop.toolrunner.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hotloop.protocol.error.ApiException;
import dev.hotloop.protocol.json.ProtocolJson;
import dev.hotloop.toolrunner.ToolsProperties;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class ToolRegistryTest {

    @Test
    void shellComesFirstThenConfiguredToolsInOrder() {
        ToolRegistry registry = registry(Map.of(
                "hotloop.tools.configured[0].name", "b_tool",
                "hotloop.tools.configured[0].description", "B",
                "hotloop.tools.configured[0].argv[0]", "/usr/bin/true",
                "hotloop.tools.configured[1].name", "a_tool",
                "hotloop.tools.configured[1].description", "A",
                "hotloop.tools.configured[1].argv[0]", "/usr/bin/true"));

        assertThat(registry.definitions())
                .extracting(tool -> tool.path("name").asString(tool.path("type").asString()))
                .containsExactly("shell", "b_tool", "a_tool");
        assertThat(registry.definitions().get(1).get("parameters"))
                .isEqualTo(JsonSchemaTest.json("{\"type\":\"object\",\"properties\":{}}"));
        assertThat(registry.find("a_tool")).isPresent();
        assertThat(registry.find("nope")).isEmpty();
    }

    @Test
    void malformedConfiguredToolsStopTheStartUp() {
        assertRefused(
                tool("shell", "{\"type\":\"object\"}", "/usr/bin/true"),
                "hotloop.tools.configured[0].name: 'shell' is already taken by the built-in shell");
        assertRefused(
                tool("bad name", "{\"type\":\"object\"}", "/usr/bin/true"),
                "hotloop.tools.configured[0].name: 'bad name' must match");
        assertRefused(
                tool("t", "{not json", "/usr/bin/true"), "hotloop.tools.configured[0].parameters is not valid JSON");
        assertRefused(
                tool("t", "{\"type\":\"string\"}", "/usr/bin/true"),
                "hotloop.tools.configured[0].parameters must be a schema of \"type\": \"object\"");
        assertRefused(
                tool("t", "{\"type\":\"object\"}", "bin/true"),
                "hotloop.tools.configured[0].argv[0]: the program must be an absolute path");
        Map<String, String> duplicate = new HashMap<>(tool("t", "{\"type\":\"object\"}", "/usr/bin/true"));
        duplicate.putAll(Map.of(
                "hotloop.tools.configured[1].name",
                "t",
                "hotloop.tools.configured[1].description",
                "again",
                "hotloop.tools.configured[1].argv[0]",
                "/usr/bin/true"));
        assertRefused(duplicate, "hotloop.tools.configured[1].name: 't' is already taken");
        Map<String, String> slow = new HashMap<>(tool("t", "{\"type\":\"object\"}", "/usr/bin/true"));
        slow.put("hotloop.tools.configured[0].timeout", "1h");
        assertRefused(slow, "hotloop.tools.configured[0].timeout must be between");
    }

    @Test
    void shellCallsAreValidatedAndTheirLimitsLoweredToTheMaximum() {
        ToolDefinition shell = registry(Map.of()).find("shell").orElseThrow();

        PreparedCall call = shell.prepare(JsonSchemaTest.json(
                "{\"commands\": [\"ls\", \"pwd\"], \"timeout_ms\": 99999999, \"max_output_length\": 2000000000}"));
        assertThat(call.commands())
                .containsExactly(List.of("/bin/bash", "-lc", "ls"), List.of("/bin/bash", "-lc", "pwd"));
        assertThat(call.timeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(call.maxOutputLength()).isEqualTo(1_000_000);

        PreparedCall defaults =
                shell.prepare(JsonSchemaTest.json("{\"commands\": [\"ls\"], \"extra_future_field\": 1}"));
        assertThat(defaults.timeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(defaults.maxOutputLength()).isEqualTo(10_000);

        String tooLong = "x".repeat(ShellTool.MAX_COMMAND_LENGTH + 1);
        assertThatThrownBy(() -> shell.prepare(ProtocolJson.nodes()
                        .objectNode()
                        .set("commands", ProtocolJson.nodes().arrayNode().add(tooLong))))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.error().param()).isEqualTo("arguments.commands[0]"));
        var tooMany = ProtocolJson.nodes().arrayNode();
        for (int i = 0; i <= 20; i++) {
            tooMany.add("echo " + i);
        }
        assertThatThrownBy(() -> shell.prepare(ProtocolJson.nodes().objectNode().set("commands", tooMany)))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.error().param()).isEqualTo("arguments.commands"));
    }

    private static Map<String, String> tool(String name, String parameters, String program) {
        return Map.of(
                "hotloop.tools.configured[0].name",
                name,
                "hotloop.tools.configured[0].description",
                "d",
                "hotloop.tools.configured[0].parameters",
                parameters,
                "hotloop.tools.configured[0].argv[0]",
                program);
    }

    private static void assertRefused(Map<String, String> configuration, String message) {
        assertThatThrownBy(() -> registry(configuration))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(message);
    }

    /** The properties as Boot binds them, defaults included. */
    static ToolsProperties properties(Map<String, String> configuration) {
        return new Binder(new MapConfigurationPropertySource(configuration))
                .bindOrCreate("hotloop.tools", ToolsProperties.class);
    }

    private static ToolRegistry registry(Map<String, String> configuration) {
        return new ToolRegistry(properties(configuration), ProtocolJson.mapper());
    }
}
