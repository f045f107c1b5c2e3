package dev.hotloop.simulator.server;

import dev.hotloop.protocol.event.ResponseEvent;
import dev.hotloop.protocol.id.ResponseIds;
import dev.hotloop.protocol.item.FunctionCallItem;
import dev.hotloop.protocol.item.Item;
import dev.hotloop.protocol.item.MessageItem;
import dev.hotloop.protocol.json.ProtocolJson;
import dev.hotloop.protocol.model.FinishReason;
import dev.hotloop.protocol.model.ModelEvent;
import dev.hotloop.protocol.response.Response;
import dev.hotloop.protocol.response.Usage;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.node.ObjectNode;

/**
 * One response's Responses API events, from the simulated model's events: {@code response.created}, then per item
 * {@code output_item.added}, its deltas and {@code output_item.done}, then {@code response.completed} or
 * {@code response.incomplete} carrying the output and usage. Not thread-safe: one instance per response.
 */
final class ResponsesStream {

    private final Response start;
    private final List<Item> output = new ArrayList<>();
    private int sequence;
    private @Nullable OpenItem open;

    /** The output item being streamed: a message when {@code callId} is null, else a function call. */
    private record OpenItem(String id, @Nullable String callId, String name, StringBuilder content) {}

    ResponsesStream(Response start) {
        this.start = start;
    }

    List<Item> output() {
        return output;
    }

    List<ResponseEvent> opening() {
        return List.of(
                new ResponseEvent.Lifecycle("response.created", sequence++, start),
                new ResponseEvent.Lifecycle("response.in_progress", sequence++, start));
    }

    /** The events of one model event; a Finish closes the response with the given prompt token counts. */
    List<ResponseEvent> on(ModelEvent event, int inputTokens, int cachedTokens) {
        List<ResponseEvent> events = new ArrayList<>(4);
        switch (event) {
            case ModelEvent.TextDelta delta -> {
                OpenItem message = open;
                if (message != null && message.callId() != null) {
                    close(events, message, true);
                    message = null;
                }
                if (message == null) {
                    message = open(events, null, "");
                }
                message.content().append(delta.text());
                events.add(new ResponseEvent.TextDelta(
                        "response.output_text.delta",
                        sequence++,
                        message.id(),
                        output.size(),
                        0,
                        delta.text(),
                        List.of()));
            }
            case ModelEvent.FunctionCallStart call -> {
                if (open != null) {
                    close(events, open, true);
                }
                open(events, call.callId(), call.name());
            }
            case ModelEvent.ArgumentsDelta delta -> {
                OpenItem call = Objects.requireNonNull(open, "arguments before their function call");
                call.content().append(delta.delta());
                events.add(new ResponseEvent.ArgumentsDelta(
                        "response.function_call_arguments.delta", sequence++, call.id(), output.size(), delta.delta()));
            }
            case ModelEvent.Finish finish -> {
                if (open != null) {
                    close(events, open, finish.reason() == FinishReason.STOP);
                }
                int outputTokens = finish.usage() == null ? 0 : finish.usage().outputTokens();
                Usage usage = Usage.of(inputTokens, cachedTokens, outputTokens);
                long now = System.currentTimeMillis() / 1000;
                Response done = switch (finish.reason()) {
                    case STOP -> start.finish(Response.COMPLETED, output, usage, null, null, now);
                    case LENGTH ->
                        start.finish(
                                Response.INCOMPLETE,
                                output,
                                usage,
                                null,
                                new Response.IncompleteDetails("max_output_tokens"),
                                now);
                    case CONTENT_FILTER ->
                        start.finish(
                                Response.INCOMPLETE,
                                output,
                                usage,
                                null,
                                new Response.IncompleteDetails("content_filter"),
                                now);
                };
                events.add(new ResponseEvent.Lifecycle(
                        finish.reason() == FinishReason.STOP ? "response.completed" : "response.incomplete",
                        sequence++,
                        done));
            }
        }
        return events;
    }

    private OpenItem open(List<ResponseEvent> events, @Nullable String callId, String name) {
        OpenItem item =
                new OpenItem(ResponseIds.item(callId == null ? "msg" : "fc"), callId, name, new StringBuilder());
        open = item;
        Item added;
        if (callId == null) {
            ObjectNode message =
                    MessageItem.assistant(item.id(), "", "in_progress").json();
            message.set("content", ProtocolJson.nodes().arrayNode());
            added = new MessageItem(message);
        } else {
            added = FunctionCallItem.of(item.id(), callId, name, "", "in_progress");
        }
        events.add(new ResponseEvent.OutputItem("response.output_item.added", sequence++, output.size(), added));
        if (callId == null) {
            events.add(new ResponseEvent.ContentPart(
                    "response.content_part.added",
                    sequence++,
                    item.id(),
                    output.size(),
                    0,
                    MessageItem.outputText("")));
        }
        return item;
    }

    private void close(List<ResponseEvent> events, OpenItem item, boolean completed) {
        String status = completed ? Response.COMPLETED : Response.INCOMPLETE;
        String content = item.content().toString();
        int index = output.size();
        Item done;
        String callId = item.callId();
        if (callId != null) {
            events.add(new ResponseEvent.ArgumentsDone(
                    "response.function_call_arguments.done", sequence++, item.id(), index, item.name(), content));
            done = FunctionCallItem.of(item.id(), callId, item.name(), content, status);
        } else {
            events.add(new ResponseEvent.TextDone(
                    "response.output_text.done", sequence++, item.id(), index, 0, content, List.of()));
            events.add(new ResponseEvent.ContentPart(
                    "response.content_part.done", sequence++, item.id(), index, 0, MessageItem.outputText(content)));
            done = MessageItem.assistant(item.id(), content, status);
        }
        events.add(new ResponseEvent.OutputItem("response.output_item.done", sequence++, index, done));
        output.add(done);
        open = null;
    }
}
