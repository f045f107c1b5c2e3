package dev.hotloop.toolrunner.registry;

import dev.hotloop.toolrunner.ToolsProperties;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The hosted tools of this deployment: the built-in {@code shell}, then the configured tools in configuration order.
 * A configured tool that is malformed (bad name, schema, or template) stops the start-up with a message naming it.
 */
@Component
public class ToolRegistry {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private final Map<String, ToolDefinition> tools;
    private final List<String> order;

    public ToolRegistry(ToolsProperties properties, JsonMapper mapper) {
        Map<String, ToolDefinition> tools = new LinkedHashMap<>();
        tools.put(ShellTool.NAME, new ShellTool(properties.execution()));
        List<ToolsProperties.ConfiguredTool> configured = properties.configured();
        for (int i = 0; i < configured.size(); i++) {
            ArgvTool tool =
                    argvTool(configured.get(i), "hotloop.tools.configured[" + i + "]", properties.execution(), mapper);
            if (tools.putIfAbsent(tool.name(), tool) != null) {
                throw new IllegalArgumentException("hotloop.tools.configured[" + i + "].name: '" + tool.name()
                        + "' is already taken" + (tool.name().equals(ShellTool.NAME) ? " by the built-in shell" : ""));
            }
        }
        this.tools = Map.copyOf(tools);
        this.order = List.copyOf(tools.keySet());
    }

    public Optional<ToolDefinition> find(String name) {
        return Optional.ofNullable(tools.get(name));
    }

    /** The Responses API {@code tools} entries to offer the model: {@code {"type":"shell"}} and one function per configured tool. */
    public List<ObjectNode> definitions() {
        List<ObjectNode> definitions = new ArrayList<>(order.size());
        order.forEach(
                name -> definitions.add(Objects.requireNonNull(tools.get(name)).definition()));
        return definitions;
    }

    private static ArgvTool argvTool(
            ToolsProperties.ConfiguredTool tool, String where, ToolsProperties.Execution execution, JsonMapper mapper) {
        if (!NAME.matcher(tool.name()).matches()) {
            throw new IllegalArgumentException(where + ".name: '" + tool.name() + "' must match " + NAME.pattern());
        }
        JsonNode parameters;
        try {
            parameters = mapper.readTree(tool.parameters());
        } catch (JacksonException e) {
            throw new IllegalArgumentException(where + ".parameters is not valid JSON: " + e.getOriginalMessage(), e);
        }
        JsonSchema schema = JsonSchema.of(parameters, where + ".parameters");
        if (!(parameters instanceof ObjectNode)
                || !"object".equals(parameters.path("type").asString(""))) {
            throw new IllegalArgumentException(where + ".parameters must be a schema of \"type\": \"object\"");
        }
        ArgvTemplate template = ArgvTemplate.parse(tool.argv(), parameters, where + ".argv");
        long timeoutMs = tool.timeout() == null
                ? execution.defaultTimeout().toMillis()
                : tool.timeout().toMillis();
        if (timeoutMs < 1 || timeoutMs > execution.maxTimeout().toMillis()) {
            throw new IllegalArgumentException(
                    where + ".timeout must be between 1ms and hotloop.tools.execution.max-timeout");
        }
        int maxOutput = tool.maxOutputLength() == null ? execution.defaultOutputLength() : tool.maxOutputLength();
        if (maxOutput > execution.maxOutputLength()) {
            throw new IllegalArgumentException(
                    where + ".max-output-length exceeds hotloop.tools.execution.max-output-length");
        }
        return new ArgvTool(tool.name(), tool.description(), schema, template, Duration.ofMillis(timeoutMs), maxOutput);
    }
}
