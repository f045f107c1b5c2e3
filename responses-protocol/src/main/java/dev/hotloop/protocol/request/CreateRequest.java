package dev.hotloop.protocol.request;

import dev.hotloop.protocol.item.Item;
import dev.hotloop.protocol.tool.Tool;
import dev.hotloop.protocol.tool.ToolChoice;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * A validated create request ({@code POST /v1/responses} body or WebSocket {@code response.create} event).
 * Absent optional fields are null; defaults are applied by {@link CreateRequestReader}.
 *
 * @param input     the new input items, normalized (ids assigned, short-hand messages expanded)
 * @param conversation the id of the conversation the response continues and is appended to, or null
 * @param compactThreshold the rendered input tokens past which the response compacts its context first
 *     ({@code context_management} compaction), or null for never
 * @param background whether it runs as a background response (HTTP only; always stored)
 * @param generate  false for a WebSocket warm-up that prepares state without sampling
 * @param streamId  the WebSocket lane, or null (extension)
 */
public record CreateRequest(
        @Nullable String model,
        List<Item> input,
        @Nullable String instructions,
        List<Tool> tools,
        ToolChoice toolChoice,
        boolean parallelToolCalls,
        @Nullable String previousResponseId,
        @Nullable String conversation,
        boolean store,
        boolean stream,
        boolean background,
        @Nullable Integer maxOutputTokens,
        @Nullable Integer maxToolCalls,
        Map<String, String> metadata,
        @Nullable Double temperature,
        @Nullable Double topP,
        @Nullable String truncation,
        @Nullable Integer compactThreshold,
        @Nullable JsonNode text,
        @Nullable JsonNode reasoning,
        List<String> include,
        @Nullable String promptCacheKey,
        @Nullable String serviceTier,
        @Nullable String user,
        @Nullable String safetyIdentifier,
        boolean generate,
        @Nullable String streamId) {}
