package dev.hotloop.api;

import com.openai.core.JsonValue;
import com.openai.models.responses.FunctionTool;
import java.util.List;
import java.util.Map;

/** Function tools for the SDK-driven tests. */
public final class SdkTools {

    private SdkTools() {
    }

    /** A function taking one required string argument. */
    public static FunctionTool function(String name, String argument) {
        return FunctionTool.builder()
                .name(name)
                .parameters(FunctionTool.Parameters.builder()
                        .putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of(argument, Map.of("type", "string"))))
                        .putAdditionalProperty("required", JsonValue.from(List.of(argument)))
                        .build())
                .strict(false)
                .build();
    }
}
