package dev.hotloop.protocol.model;

import dev.hotloop.protocol.item.Item;
import dev.hotloop.protocol.tool.Tool;
import dev.hotloop.protocol.tool.ToolChoice;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One sampling step as a provider sees it: the whole context (history then new input), the request's tools
 * and sampling settings.
 *
 * @param maxOutputTokens the output budget, or null for none; a provider stops at it with {@link FinishReason#LENGTH}
 */
public record ModelRequest(
        String model,
        @Nullable String instructions,
        List<Item> context,
        List<Tool> tools,
        ToolChoice toolChoice,
        boolean parallelToolCalls,
        @Nullable Integer maxOutputTokens,
        @Nullable Double temperature,
        @Nullable Double topP,
        @Nullable String promptCacheKey) {}
