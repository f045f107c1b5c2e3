package dev.hotloop.api.model.responses;

import dev.hotloop.api.model.upstream.UpstreamException;
import dev.hotloop.protocol.error.ErrorCodes;
import dev.hotloop.protocol.json.ProtocolJson;
import dev.hotloop.protocol.model.FinishReason;
import dev.hotloop.protocol.model.ModelEvent;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Reads an upstream Responses stream into model events: {@code output_text.delta} as text, a
 * {@code function_call} item's {@code output_item.added} as a call start and its {@code function_call_arguments.delta}s
 * as arguments (or its {@code output_item.done} arguments when none streamed), and {@code response.completed} or
 * {@code response.incomplete} as the finish with the upstream's usage. {@code response.failed} and {@code error}
 * events fail the stream. Items of other types (reasoning, hosted tool calls) have no model event and are skipped.
 * Not thread-safe: one instance per stream.
 */
final class ResponsesStreamDecoder {

    private static final int QUOTED_CHARS = 200;

    private final String label;
    private @Nullable String responseId;
    private @Nullable String openCallItem;
    private boolean openCallHasArguments;
    private boolean finished;

    ResponsesStreamDecoder(String label) {
        this.label = label;
    }

    /** The upstream's id of this response, once its stream named it. */
    @Nullable
    String responseId() {
        return responseId;
    }

    List<ModelEvent> onData(String data) {
        if (finished || "[DONE]".equals(data.strip())) {
            return List.of();
        }
        JsonNode event = parse(data);
        List<ModelEvent> events = new ArrayList<>(2);
        switch (event.path("type").asString("")) {
            case "response.created", "response.in_progress" ->
                responseId = event.path("response").path("id").stringValue(responseId);
            case "response.output_text.delta" -> {
                String delta = event.path("delta").asString("");
                if (!delta.isEmpty()) {
                    events.add(new ModelEvent.TextDelta(delta));
                }
            }
            case "response.output_item.added" -> {
                JsonNode item = event.path("item");
                if ("function_call".equals(item.path("type").asString(""))) {
                    start(item, events);
                }
            }
            case "response.function_call_arguments.delta" -> {
                if (openCallItem == null) {
                    throw malformed("function call arguments outside a function call");
                }
                String delta = event.path("delta").asString("");
                if (!delta.isEmpty()) {
                    openCallHasArguments = true;
                    events.add(new ModelEvent.ArgumentsDelta(delta));
                }
            }
            case "response.output_item.done" -> {
                JsonNode item = event.path("item");
                if ("function_call".equals(item.path("type").asString(""))) {
                    if (openCallItem == null
                            || !openCallItem.equals(item.path("id").asString(""))) {
                        start(item, events);
                    }
                    String arguments = item.path("arguments").asString("");
                    if (!openCallHasArguments && !arguments.isEmpty()) {
                        events.add(new ModelEvent.ArgumentsDelta(arguments));
                    }
                    openCallItem = null;
                }
            }
            case "response.completed", "response.incomplete" -> {
                JsonNode response = event.path("response");
                responseId = response.path("id").stringValue(responseId);
                String reason =
                        response.path("incomplete_details").path("reason").asString("");
                FinishReason finish =
                        !"response.incomplete".equals(event.path("type").asString())
                                ? FinishReason.STOP
                                : "content_filter".equals(reason) ? FinishReason.CONTENT_FILTER : FinishReason.LENGTH;
                finished = true;
                events.add(new ModelEvent.Finish(finish, usage(response.path("usage"))));
            }
            case "response.failed" -> throw failure(event.path("response").path("error"));
            case "error" -> throw failure(event.path("error").isObject() ? event.path("error") : event);
            default -> {
                // lifecycle, content part, reasoning and hosted tool events carry nothing a model event can
            }
        }
        return events;
    }

    List<ModelEvent> onEnd() {
        if (!finished) {
            throw new UpstreamException(
                    UpstreamException.Kind.UNAVAILABLE,
                    0,
                    null,
                    "the stream ended before it finished",
                    label + " ended its stream without response.completed",
                    null);
        }
        return List.of();
    }

    private void start(JsonNode item, List<ModelEvent> events) {
        String callId = item.path("call_id").stringValue(null);
        String name = item.path("name").stringValue(null);
        if (callId == null || name == null) {
            throw malformed("a function_call item without call_id or name");
        }
        openCallItem = item.path("id").asString("");
        openCallHasArguments = false;
        events.add(new ModelEvent.FunctionCallStart(callId, name));
        String arguments = item.path("arguments").asString("");
        if (!arguments.isEmpty()) {
            openCallHasArguments = true;
            events.add(new ModelEvent.ArgumentsDelta(arguments));
        }
    }

    private UpstreamException failure(JsonNode error) {
        String code = error.path("code").asString("");
        String message = error.path("message").asString("unknown error");
        UpstreamException.Kind kind = switch (code) {
            case ErrorCodes.RATE_LIMIT_EXCEEDED -> UpstreamException.Kind.RATE_LIMITED;
            case ErrorCodes.SERVER_ERROR, "", ErrorCodes.SERVER_IS_OVERLOADED, ErrorCodes.SLOW_DOWN ->
                UpstreamException.Kind.UNAVAILABLE;
            default -> UpstreamException.Kind.REJECTED;
        };
        return new UpstreamException(
                kind,
                0,
                null,
                "response failed: " + message,
                code.isEmpty() ? null : code,
                label + " failed the response: " + message,
                null);
    }

    private JsonNode parse(String data) {
        try {
            JsonNode event = ProtocolJson.mapper().readTree(data);
            if (event != null && event.isObject()) {
                return event;
            }
        } catch (JacksonException e) {
            // reported below, with the event quoted
        }
        String quoted = data.length() > QUOTED_CHARS ? data.substring(0, QUOTED_CHARS) + "…" : data;
        throw malformed("unreadable event '" + quoted + "'");
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

    private static ModelEvent.@Nullable ModelUsage usage(JsonNode usage) {
        if (!usage.isObject()) {
            return null;
        }
        return new ModelEvent.ModelUsage(
                usage.path("input_tokens").asInt(0),
                usage.path("input_tokens_details").path("cached_tokens").asInt(0),
                usage.path("output_tokens").asInt(0));
    }
}
