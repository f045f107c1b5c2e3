package dev.hotloop.protocol.request;

import dev.hotloop.protocol.item.Item;
import dev.hotloop.protocol.tool.Tool;
import dev.hotloop.protocol.tool.ToolChoice;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * A validated create request ({@code POST /v1/responses} body or WebSocket {@code response.create} event).
 * Absent optional fields are null; defaults are applied by {@link CreateRequestReader}.
 *
 * @param input     the new input items, normalized (ids assigned, short-hand messages expanded)
 * @param generate  false for a WebSocket warm-up that prepares state without sampling
 * @param streamId  the WebSocket lane, or null (extension)
 */
public record CreateRequest(
        String model,
        List<Item> input,
        String instructions,
        List<Tool> tools,
        ToolChoice toolChoice,
        boolean parallelToolCalls,
        String previousResponseId,
        boolean store,
        boolean stream,
        Integer maxOutputTokens,
        Integer maxToolCalls,
        Map<String, String> metadata,
        Double temperature,
        Double topP,
        String truncation,
        JsonNode text,
        JsonNode reasoning,
        List<String> include,
        String promptCacheKey,
        String serviceTier,
        String user,
        String safetyIdentifier,
        boolean generate,
        String streamId) {
}
