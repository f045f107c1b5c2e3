package dev.hotloop.toolrunner.registry;

import static dev.hotloop.toolrunner.registry.JsonSchemaTest.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hotloop.protocol.error.ApiException;
import dev.hotloop.protocol.json.ProtocolJson;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class ArgvTemplateTest {

    private static final JsonNode SCHEMA = json("""
            {"type": "object", "properties": {
               "pattern": {"type": "string"},
               "file": {"type": "string", "format": "workspace-path"},
               "files": {"type": "array", "items": {"type": "string", "format": "workspace-path"}},
               "count": {"type": "integer"},
               "verbose": {"type": "boolean"},
               "options": {"type": "object"},
               "untyped": {}}}""");

    @Test
    void eachPlaceholderBecomesExactlyOneElement() {
        ArgvTemplate template = ArgvTemplate.parse(
                List.of("/usr/bin/grep", "-m", "{count}", "--", "{pattern}", "{file}"), SCHEMA, "argv");

        List<String> argv = template.render(
                json("{\"pattern\": \"a b; $(rm -rf /) | x\", \"file\": \"logs/app.log\", \"count\": 3}"));

        assertThat(argv).containsExactly("/usr/bin/grep", "-m", "3", "--", "a b; $(rm -rf /) | x", "./logs/app.log");
    }

    @Test
    void arraysExpandAndAbsentOptionalArgumentsVanish() {
        ArgvTemplate template =
                ArgvTemplate.parse(List.of("/usr/bin/wc", "{verbose}", "--", "{files}"), SCHEMA, "argv");

        assertThat(template.render(json("{\"files\": [\"a.txt\", \"/workspace/b/c.txt\", \"-rf\"]}")))
                .containsExactly("/usr/bin/wc", "--", "./a.txt", "./b/c.txt", "./-rf");
        assertThat(template.render(json("{\"files\": [], \"verbose\": true}")))
                .containsExactly("/usr/bin/wc", "true", "--");
    }

    @Test
    void pathsThatLeaveTheWorkspaceAreRefused() {
        ArgvTemplate template = ArgvTemplate.parse(List.of("/usr/bin/cat", "{file}"), SCHEMA, "argv");
        for (String path : List.of(
                "../../etc/passwd",
                "..",
                "a/../../b",
                "/etc/passwd",
                "/workspace/../etc/passwd",
                "/workspacefoo/x",
                "",
                "a\0b")) {
            assertThatThrownBy(() -> template.render(file(path)))
                    .as("path %s", path)
                    .isInstanceOfSatisfying(
                            ApiException.class,
                            e -> assertThat(e.error().param()).isEqualTo("arguments.file"));
        }
        assertThat(template.render(file("a/./b/../c.txt"))).containsExactly("/usr/bin/cat", "./a/c.txt");
        assertThat(template.render(file("/workspace"))).containsExactly("/usr/bin/cat", ".");
    }

    private static JsonNode file(String path) {
        return ProtocolJson.nodes().objectNode().put("file", path);
    }

    @Test
    void malformedTemplatesAreRefusedWhenLoading() {
        assertRefused(List.of("/usr/bin/grep", "--file={file}"), "argv[1]: a placeholder must be a whole element");
        assertRefused(List.of("{file}"), "argv[0]: the program must be fixed");
        assertRefused(List.of("grep", "{pattern}"), "argv[0]: the program must be an absolute path");
        assertRefused(List.of("/usr/bin/grep", "{missing}"), "argv[1]: {missing} is not a property");
        assertRefused(
                List.of("/usr/bin/grep", "{options}"), "argv[1]: an object parameter cannot fill an argv element");
        assertRefused(List.of("/usr/bin/grep", "{untyped}"), "argv[1]: the parameter needs a \"type\"");
        assertRefused(List.of(), "argv must name a program");
    }

    private static void assertRefused(List<String> argv, String message) {
        assertThatThrownBy(() -> ArgvTemplate.parse(argv, SCHEMA, "argv"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(message);
    }
}
