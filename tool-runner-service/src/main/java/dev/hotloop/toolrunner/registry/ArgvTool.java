package dev.hotloop.toolrunner.registry;

import dev.hotloop.protocol.error.ApiException;
import dev.hotloop.protocol.json.ProtocolJson;
import java.time.Duration;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A tool from configuration: offered to the model as a function, run as one fixed program whose argv is filled from
 * the validated arguments (see {@link ArgvTemplate}); never through a shell.
 *
 * @param name            the function name
 * @param description     what the model is told it does
 * @param parameters      the arguments' JSON Schema
 * @param template        the command line
 * @param timeout         the wall-clock limit of one run
 * @param maxOutputLength the cap on stdout and stderr together
 */
public record ArgvTool(
        String name,
        String description,
        JsonSchema parameters,
        ArgvTemplate template,
        Duration timeout,
        int maxOutputLength)
        implements ToolDefinition {

    @Override
    public ObjectNode definition() {
        ObjectNode definition = ProtocolJson.nodes()
                .objectNode()
                .put("type", "function")
                .put("name", name)
                .put("description", description);
        definition.set("parameters", parameters.json().deepCopy());
        definition.put("strict", false);
        return definition;
    }

    @Override
    public PreparedCall prepare(JsonNode arguments) {
        JsonNode values =
                arguments == null || arguments.isNull() ? ProtocolJson.nodes().objectNode() : arguments;
        if (!values.isObject()) {
            throw ApiException.invalidType("arguments", "an object", values.isArray() ? "an array" : "a scalar");
        }
        parameters.validate(values, "arguments");
        return new PreparedCall(this, List.of(template.render(values)), timeout, maxOutputLength);
    }
}
