package dev.hotloop.protocol.json;

import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamWriteConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * The one JSON mapping of the wire contract: snake_case names, unknown fields ignored (clients send new ones).
 * It reads and writes the same nesting depth, so whatever it read it can write; a client's body is held to a
 * shallower depth, so that in any envelope it is later stored, streamed or served in, it is still writable.
 */
public final class ProtocolJson {

    /** Deepest nesting read or written, the same both ways (Jackson's default, which session-service keeps). */
    public static final int MAX_DEPTH = 500;
    /** Deepest nesting of a client's body: envelopes (events, stored turns, pages) add a handful of levels. */
    public static final int MAX_CLIENT_DEPTH = 128;

    private static final JsonMapper MAPPER = mapper(MAX_DEPTH);
    private static final JsonMapper CLIENT_MAPPER = mapper(MAX_CLIENT_DEPTH);

    private ProtocolJson() {}

    public static JsonMapper mapper() {
        return MAPPER;
    }

    /** The mapper for a client's raw body: the parser itself refuses nesting past {@link #MAX_CLIENT_DEPTH}. */
    public static JsonMapper clientMapper() {
        return CLIENT_MAPPER;
    }

    public static JsonNodeFactory nodes() {
        return JsonNodeFactory.instance;
    }

    private static JsonMapper mapper(int readDepth) {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(readDepth)
                        .build())
                .streamWriteConstraints(StreamWriteConstraints.builder()
                        .maxNestingDepth(MAX_DEPTH)
                        .build())
                .build();
        return JsonMapper.builder(factory)
                .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .build();
    }
}
