package dev.hotloop.protocol.tool;

import com.fasterxml.jackson.annotation.JsonValue;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.StringNode;

/**
 * How the model may use tools: {@code auto}, {@code none}, {@code required}, or one named function
 * ({@code {"type":"function","name":…}}); other object forms are kept as sent and behave like {@code auto}.
 *
 * @param mode         auto, none, required or function
 * @param functionName the forced function, when mode is function
 * @param json         the value as sent, echoed in the response
 */
public record ToolChoice(
        Mode mode, @Nullable String functionName, @JsonValue JsonNode json) {

    public enum Mode {
        AUTO,
        NONE,
        REQUIRED,
        FUNCTION
    }

    public static final ToolChoice AUTO = new ToolChoice(Mode.AUTO, null, StringNode.valueOf("auto"));
    public static final ToolChoice NONE = new ToolChoice(Mode.NONE, null, StringNode.valueOf("none"));
}
