package dev.hotloop.protocol.response;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.hotloop.protocol.item.Item;
import dev.hotloop.protocol.json.ProtocolJson;
import dev.hotloop.protocol.request.CreateRequest;
import dev.hotloop.protocol.tool.Tool;
import dev.hotloop.protocol.tool.ToolChoice;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The Response object, as sent on every transport. Snapshots are immutable: the engine derives the
 * in-progress and final states with the {@code with…} methods.
 */
@JsonPropertyOrder({
    "id",
    "object",
    "created_at",
    "status",
    "background",
    "completed_at",
    "conversation",
    "error",
    "incomplete_details",
    "instructions",
    "max_output_tokens",
    "max_tool_calls",
    "model",
    "output",
    "parallel_tool_calls",
    "presence_penalty",
    "frequency_penalty",
    "previous_response_id",
    "prompt_cache_key",
    "reasoning",
    "safety_identifier",
    "service_tier",
    "store",
    "temperature",
    "text",
    "tool_choice",
    "tools",
    "top_logprobs",
    "top_p",
    "truncation",
    "usage",
    "user",
    "metadata",
    "access_programs"
})
public record Response(
        String id,
        String object,
        long createdAt,
        String status,
        boolean background,
        @Nullable Long completedAt,
        @Nullable ConversationRef conversation,
        @Nullable ResponseError error,
        @Nullable IncompleteDetails incompleteDetails,
        @Nullable String instructions,
        @Nullable Integer maxOutputTokens,
        @Nullable Integer maxToolCalls,
        String model,
        List<Item> output,
        boolean parallelToolCalls,
        double presencePenalty,
        double frequencyPenalty,
        @Nullable String previousResponseId,
        @Nullable String promptCacheKey,
        JsonNode reasoning,
        @Nullable String safetyIdentifier,
        String serviceTier,
        boolean store,
        double temperature,
        JsonNode text,
        ToolChoice toolChoice,
        List<Tool> tools,
        int topLogprobs,
        double topP,
        String truncation,
        // OpenAI's schema makes both optional and never null: left out until known, or when the request set none
        @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable Usage usage,
        @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String user,
        Map<String, String> metadata,
        Map<String, String> accessPrograms) {

    public static final String QUEUED = "queued";
    public static final String IN_PROGRESS = "in_progress";
    public static final String COMPLETED = "completed";
    public static final String INCOMPLETE = "incomplete";
    public static final String FAILED = "failed";
    public static final String CANCELLED = "cancelled";

    /** The conversation a response belongs to: its input and output were appended to it. */
    public record ConversationRef(String id) {}

    /** The error of a failed response. */
    public record ResponseError(String code, String message) {}

    /** Why a response stopped early: {@code max_output_tokens} or {@code content_filter}. */
    public record IncompleteDetails(String reason) {}

    /** A fresh {@code in_progress} response for {@code request}, echoing its settings. */
    public static Response start(String id, String model, CreateRequest request, long createdAt) {
        return new Response(
                id,
                "response",
                createdAt,
                IN_PROGRESS,
                request.background(),
                null,
                request.conversation() != null ? new ConversationRef(request.conversation()) : null,
                null,
                null,
                request.instructions(),
                request.maxOutputTokens(),
                request.maxToolCalls(),
                model,
                List.of(),
                request.parallelToolCalls(),
                // the specifications' defaults for what hotloop does not apply
                0.0,
                0.0,
                request.previousResponseId(),
                request.promptCacheKey(),
                echoed(request.reasoning(), defaultReasoning()),
                request.safetyIdentifier(),
                request.serviceTier() != null ? request.serviceTier() : "default",
                request.store(),
                request.temperature() != null ? request.temperature() : 1.0,
                echoed(request.text(), defaultText()),
                request.toolChoice(),
                request.tools().stream().map(Tool::echoed).toList(),
                0,
                request.topP() != null ? request.topP() : 1.0,
                request.truncation() != null ? request.truncation() : "disabled",
                null,
                request.user(),
                request.metadata(),
                Map.of("cyber", "standard"));
    }

    /** The same response echoing other {@code tools}, such as configured tools as the functions the model saw. */
    public Response withTools(List<Tool> echoed) {
        return new Response(
                id,
                object,
                createdAt,
                status,
                background,
                completedAt,
                conversation,
                error,
                incompleteDetails,
                instructions,
                maxOutputTokens,
                maxToolCalls,
                model,
                output,
                parallelToolCalls,
                presencePenalty,
                frequencyPenalty,
                previousResponseId,
                promptCacheKey,
                reasoning,
                safetyIdentifier,
                serviceTier,
                store,
                temperature,
                text,
                toolChoice,
                echoed,
                topLogprobs,
                topP,
                truncation,
                usage,
                user,
                metadata,
                accessPrograms);
    }

    /** The terminal state: status, output, usage and the error or incomplete reason that goes with it. */
    public Response finish(
            String newStatus,
            List<Item> newOutput,
            @Nullable Usage newUsage,
            @Nullable ResponseError newError,
            @Nullable IncompleteDetails newIncompleteDetails,
            long completedAtSeconds) {
        return new Response(
                id,
                object,
                createdAt,
                newStatus,
                background,
                COMPLETED.equals(newStatus) ? completedAtSeconds : null,
                conversation,
                newError,
                newIncompleteDetails,
                instructions,
                maxOutputTokens,
                maxToolCalls,
                model,
                List.copyOf(newOutput),
                parallelToolCalls,
                presencePenalty,
                frequencyPenalty,
                previousResponseId,
                promptCacheKey,
                reasoning,
                safetyIdentifier,
                serviceTier,
                store,
                temperature,
                text,
                toolChoice,
                tools,
                topLogprobs,
                topP,
                truncation,
                newUsage,
                user,
                metadata,
                accessPrograms);
    }

    /** The request's setting as sent, with the defaults of the fields it left out (all of them when it sent none). */
    private static JsonNode echoed(@Nullable JsonNode sent, ObjectNode defaults) {
        if (sent == null || !sent.isObject()) {
            return defaults;
        }
        ObjectNode echoed = (ObjectNode) sent.deepCopy();
        defaults.forEachEntry((name, value) -> {
            if (!echoed.has(name)) {
                echoed.set(name, value);
            }
        });
        return echoed;
    }

    private static ObjectNode defaultReasoning() {
        ObjectNode reasoning = ProtocolJson.nodes().objectNode();
        reasoning.putNull("effort");
        reasoning.putNull("summary");
        return reasoning;
    }

    private static ObjectNode defaultText() {
        ObjectNode text = ProtocolJson.nodes().objectNode();
        text.set("format", ProtocolJson.nodes().objectNode().put("type", "text"));
        text.put("verbosity", "medium");
        return text;
    }
}
