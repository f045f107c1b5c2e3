package dev.hotloop.protocol.request;

import dev.hotloop.protocol.error.ApiException;
import dev.hotloop.protocol.json.ProtocolJson;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Refuses, with a 400 naming the field, what a parser accepts but hotloop could not store and serve back: nesting
 * deeper than {@link ProtocolJson#MAX_CLIENT_DEPTH}, and strings or names holding a lone UTF-16 surrogate (a JSON
 * {@code \ud800} escape), which is no Unicode text and which no UTF-8 writer can encode.
 */
final class StorableJson {

    /** Where a node is, rendered only when it is reported. */
    private record Path(@Nullable Path parent, @Nullable String field, int index) {

        Path field(String name) {
            return new Path(this, name, -1);
        }

        Path index(int position) {
            return new Path(this, null, position);
        }

        @Nullable
        String param() {
            if (parent == null) {
                return null;
            }
            String above = parent.param();
            if (field == null) {
                return (above == null ? "" : above) + "[" + index + "]";
            }
            return above == null ? field : above + "." + field;
        }
    }

    private StorableJson() {}

    static void check(JsonNode body) {
        check(body, new Path(null, null, -1), 1);
    }

    private static void check(JsonNode node, Path path, int depth) {
        if (node.isString()) {
            if (hasLoneSurrogate(node.stringValue())) {
                throw loneSurrogate(path.param());
            }
            return;
        }
        if (!node.isContainer()) {
            return;
        }
        if (depth > ProtocolJson.MAX_CLIENT_DEPTH) {
            String param = path.param();
            throw ApiException.invalidRequest(
                    param,
                    "invalid_json",
                    (param == null ? "The body" : "'" + param + "'") + " nests JSON deeper than "
                            + ProtocolJson.MAX_CLIENT_DEPTH + " levels.");
        }
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                if (hasLoneSurrogate(field.getKey())) {
                    throw loneSurrogate(path.param());
                }
                check(field.getValue(), path.field(field.getKey()), depth + 1);
            }
        } else {
            for (int i = 0; i < node.size(); i++) {
                check(node.get(i), path.index(i), depth + 1);
            }
        }
    }

    private static ApiException loneSurrogate(@Nullable String param) {
        return ApiException.invalidRequest(
                param,
                "invalid_value",
                (param == null ? "The body" : "Invalid '" + param + "': it")
                        + " holds a lone UTF-16 surrogate (an unpaired \\ud800-\\udfff escape), which is not valid "
                        + "Unicode text.");
    }

    static boolean hasLoneSurrogate(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }
}
