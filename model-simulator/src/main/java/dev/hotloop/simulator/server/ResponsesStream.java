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
    private String openId;
    private String openCallId;
    private String openName;
    private StringBuilder openContent;

    ResponsesStream(Response start) {
        this.start = start;
    }

    List<Item> output() {
        return output;
    }

    List<ResponseEvent> opening() {
        return List.of(new ResponseEvent.Lifecycle("response.created", sequence++, start),
                new ResponseEvent.Lifecycle("response.in_progress", sequence++, start));
    }

    /** The events of one model event; a Finish closes the response with the given prompt token counts. */
    List<ResponseEvent> on(ModelEvent event, int inputTokens, int cachedTokens) {
        List<ResponseEvent> events = new ArrayList<>(4);
        switch (event) {
            case ModelEvent.TextDelta delta -> {
                if (openCallId != null) {
                    close(events, true);
                }
                if (openId == null) {
                    open(events, null, null);
                }
                openContent.append(delta.text());
                events.add(new ResponseEvent.TextDelta("response.output_text.delta", sequence++, openId,
                        output.size(), 0, delta.text(), List.of()));
            }
            case ModelEvent.FunctionCallStart call -> {
                if (openId != null) {
                    close(events, true);
                }
                open(events, call.callId(), call.name());
            }
            case ModelEvent.ArgumentsDelta delta -> {
                openContent.append(delta.delta());
                events.add(new ResponseEvent.ArgumentsDelta("response.function_call_arguments.delta", sequence++, openId,
                        output.size(), delta.delta()));
            }
            case ModelEvent.Finish finish -> {
                if (openId != null) {
                    close(events, finish.reason() == FinishReason.STOP);
                }
                int outputTokens = finish.usage() == null ? 0 : finish.usage().outputTokens();
                Usage usage = Usage.of(inputTokens, cachedTokens, outputTokens);
                long now = System.currentTimeMillis() / 1000;
                Response done = switch (finish.reason()) {
                    case STOP -> start.finish(Response.COMPLETED, output, usage, null, null, now);
                    case LENGTH -> start.finish(Response.INCOMPLETE, output, usage, null,
                            new Response.IncompleteDetails("max_output_tokens"), now);
                    case CONTENT_FILTER -> start.finish(Response.INCOMPLETE, output, usage, null,
                            new Response.IncompleteDetails("content_filter"), now);
                };
                events.add(new ResponseEvent.Lifecycle(finish.reason() == FinishReason.STOP ? "response.completed"
                        : "response.incomplete", sequence++, done));
            }
        }
        return events;
    }

    private void open(List<ResponseEvent> events, String callId, String name) {
        openId = ResponseIds.item(callId == null ? "msg" : "fc");
        openCallId = callId;
        openName = name;
        openContent = new StringBuilder();
        Item added;
        if (callId == null) {
            ObjectNode message = MessageItem.assistant(openId, "", "in_progress").json();
            message.set("content", ProtocolJson.nodes().arrayNode());
            added = new MessageItem(message);
        } else {
            added = FunctionCallItem.of(openId, callId, name, "", "in_progress");
        }
        events.add(new ResponseEvent.OutputItem("response.output_item.added", sequence++, output.size(), added));
        if (callId == null) {
            events.add(new ResponseEvent.ContentPart("response.content_part.added", sequence++, openId, output.size(), 0,
                    MessageItem.outputText("")));
        }
    }

    private void close(List<ResponseEvent> events, boolean completed) {
        String status = completed ? Response.COMPLETED : Response.INCOMPLETE;
        String content = openContent.toString();
        int index = output.size();
        Item item;
        if (openCallId != null) {
            events.add(new ResponseEvent.ArgumentsDone("response.function_call_arguments.done", sequence++, openId, index,
                    openName, content));
            item = FunctionCallItem.of(openId, openCallId, openName, content, status);
        } else {
            events.add(new ResponseEvent.TextDone("response.output_text.done", sequence++, openId, index, 0, content,
                    List.of()));
            events.add(new ResponseEvent.ContentPart("response.content_part.done", sequence++, openId, index, 0,
                    MessageItem.outputText(content)));
            item = MessageItem.assistant(openId, content, status);
        }
        events.add(new ResponseEvent.OutputItem("response.output_item.done", sequence++, index, item));
        output.add(item);
        openId = null;
        openCallId = null;
    }
}
