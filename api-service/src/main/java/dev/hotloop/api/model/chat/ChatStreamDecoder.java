package dev.hotloop.api.model.chat;

import dev.hotloop.api.model.upstream.UpstreamException;
import dev.hotloop.protocol.id.ResponseIds;
import dev.hotloop.protocol.json.ProtocolJson;
import dev.hotloop.protocol.model.FinishReason;
import dev.hotloop.protocol.model.ModelEvent;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Reads a chat-completions stream, one {@code data} payload at a time, into model events: {@code delta.content} as
 * text, {@code delta.tool_calls} as calls (a new {@code index} starts a call, its first chunk carrying id and name;
 * arguments follow for the open call), and one {@link ModelEvent.Finish} at {@code [DONE]}, or at the end of a stream
 * that gave a {@code finish_reason} without {@code [DONE]}. The finish carries the usage chunk's counts (prompt,
 * cached, completion) when the upstream sent one. Reasoning and refusal deltas have no model event and are skipped.
 * Not thread-safe: one instance per stream.
 */
final class ChatStreamDecoder {

    private static final int QUOTED_CHARS = 200;

    private final String label;
    private final Set<Integer> startedCalls = new HashSet<>();
    private int openCall = -1;
    private @Nullable String openCallId;
    private @Nullable FinishReason finishReason;
    private ModelEvent.@Nullable ModelUsage usage;
    private boolean finished;

    ChatStreamDecoder(String label) {
        this.label = label;
    }

    /** The events of one {@code data} payload; throws {@link UpstreamException} for malformed or error chunks. */
    List<ModelEvent> onData(String data) {
        if (finished) {
            return List.of();
        }
        if ("[DONE]".equals(data.strip())) {
            return List.of(finish());
        }
        JsonNode chunk = parse(data);
        failOnError(chunk);
        if (chunk.path("usage").isObject()) {
            usage = usage(chunk.path("usage"));
        }
        List<ModelEvent> events = new ArrayList<>(2);
        for (JsonNode choice : chunk.path("choices")) {
            if (choice.path("index").asInt(0) != 0) {
                continue; // hotloop never asks for n > 1
            }
            JsonNode delta = choice.path("delta");
            String content = delta.path("content").stringValue(null);
            if (content != null && !content.isEmpty()) {
                events.add(new ModelEvent.TextDelta(content));
            }
            for (JsonNode call : delta.path("tool_calls")) {
                toolCall(call, events);
            }
            String reason = choice.path("finish_reason").stringValue(null);
            if (reason != null) {
                finishReason = switch (reason) {
                    case "length" -> FinishReason.LENGTH;
                    case "content_filter" -> FinishReason.CONTENT_FILTER;
                    default -> FinishReason.STOP; // stop, tool_calls, function_call, eos, …
                };
            }
        }
        return events;
    }

    /** At the end of the stream: the finish if it is still due; an {@link UpstreamException} if it never finished. */
    List<ModelEvent> onEnd() {
        if (finished) {
            return List.of();
        }
        if (finishReason == null) {
            throw new UpstreamException(
                    UpstreamException.Kind.UNAVAILABLE,
                    0,
                    null,
                    "the stream ended before it finished",
                    label + " ended its stream without a finish_reason or [DONE]",
                    null);
        }
        return List.of(finish());
    }

    private void toolCall(JsonNode call, List<ModelEvent> events) {
        String id = call.path("id").stringValue(null);
        int index = call.path("index").isNumber()
                ? call.path("index").asInt()
                : id != null && !id.equals(openCallId) ? openCall + 1 : openCall;
        if (index != openCall) {
            if (!startedCalls.add(index) || index < openCall) {
                throw malformed("arguments of tool call " + index + " arrived after call " + openCall + " started");
            }
            String name = call.path("function").path("name").stringValue(null);
            if (name == null || name.isEmpty()) {
                throw malformed("tool call " + index + " started without a function name");
            }
            openCall = index;
            openCallId = id != null && !id.isEmpty() ? id : ResponseIds.item("call");
            events.add(new ModelEvent.FunctionCallStart(openCallId, name));
        }
        String arguments = call.path("function").path("arguments").stringValue(null);
        if (arguments != null && !arguments.isEmpty()) {
            events.add(new ModelEvent.ArgumentsDelta(arguments));
        }
    }

    private ModelEvent.Finish finish() {
        finished = true;
        return new ModelEvent.Finish(finishReason == null ? FinishReason.STOP : finishReason, usage);
    }

    private JsonNode parse(String data) {
        try {
            JsonNode chunk = ProtocolJson.mapper().readTree(data);
            if (chunk != null && chunk.isObject()) {
                return chunk;
            }
        } catch (JacksonException e) {
            // reported below, with the chunk quoted
        }
        throw malformed("unreadable chunk " + quoted(data));
    }

    private void failOnError(JsonNode chunk) {
        JsonNode error = chunk.path("error");
        if (error.isMissingNode() || error.isNull()) {
            if (!"error".equals(chunk.path("object").asString(""))) {
                return;
            }
            error = chunk; // vLLM's bare {"object":"error","message":…,"code":…}
        }
        String message =
                error.isString() ? error.stringValue() : error.path("message").asString("unknown error");
        int code = error.path("code").asInt(0);
        UpstreamException.Kind kind = code >= 400 && code < 500 && code != 408 && code != 429
                ? UpstreamException.Kind.REJECTED
                : UpstreamException.Kind.UNAVAILABLE;
        throw new UpstreamException(
                kind,
                code,
                null,
                "error in stream: " + message,
                label + " sent an error in its stream: " + message,
                null);
    }

    private UpstreamException malformed(String detail) {
        return new UpstreamException(
                UpstreamException.Kind.MALFORMED,
                0,
                null,
                "malformed stream: " + detail,
                label + " sent a malformed stream: " + detail,
                null);
    }

    private static ModelEvent.ModelUsage usage(JsonNode usage) {
        int cached = usage.path("prompt_tokens_details")
                .path("cached_tokens")
                .asInt(usage.path("prompt_cache_hit_tokens").asInt(0)); // DeepSeek's name for it
        return new ModelEvent.ModelUsage(
                usage.path("prompt_tokens").asInt(0),
                cached,
                usage.path("completion_tokens").asInt(0));
    }

    private static String quoted(String data) {
        return "'" + (data.length() > QUOTED_CHARS ? data.substring(0, QUOTED_CHARS) + "…" : data) + "'";
    }
}
