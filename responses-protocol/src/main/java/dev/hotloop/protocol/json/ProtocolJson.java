package dev.hotloop.protocol.json;

import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;

/** The one JSON mapping of the wire contract: snake_case names, unknown fields ignored (clients send new ones). */
public final class ProtocolJson {

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private ProtocolJson() {
    }

    public static JsonMapper mapper() {
        return MAPPER;
    }

    public static JsonNodeFactory nodes() {
        return JsonNodeFactory.instance;
    }
}
