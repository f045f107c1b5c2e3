package dev.hotloop.deploy;

import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/** The values a scenario renders with: the chart's values.yaml with the scenario file merged over it, as Helm does. */
final class ScenarioValues {

    static final YAMLMapper YAML = YAMLMapper.builder().build();

    private final JsonNode values;

    private ScenarioValues(JsonNode values) {
        this.values = values;
    }

    static ScenarioValues of(Path scenario) {
        ObjectNode defaults = (ObjectNode) YAML.readTree(HotloopChart.read(HotloopChart.CHART.resolve("values.yaml")));
        JsonNode overrides = YAML.readTree(HotloopChart.read(scenario));
        if (overrides != null && overrides.isObject()) {
            merge(defaults, (ObjectNode) overrides);
        }
        return new ScenarioValues(defaults);
    }

    boolean bool(String pointer) {
        return values.at(pointer).asBoolean();
    }

    int integer(String pointer) {
        return values.at(pointer).asInt();
    }

    String string(String pointer) {
        return values.at(pointer).asString();
    }

    private static void merge(ObjectNode into, ObjectNode from) {
        for (Iterator<Map.Entry<String, JsonNode>> fields = from.properties().iterator(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode existing = into.get(field.getKey());
            if (existing instanceof ObjectNode target && field.getValue() instanceof ObjectNode source) {
                merge(target, source);
            } else {
                into.set(field.getKey(), field.getValue());
            }
        }
    }
}
