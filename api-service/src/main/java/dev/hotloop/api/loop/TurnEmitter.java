package dev.hotloop.api.loop;

import dev.hotloop.protocol.event.ResponseEvent;
import dev.hotloop.protocol.id.ResponseIds;
import dev.hotloop.protocol.item.FunctionCallItem;
import dev.hotloop.protocol.item.Item;
import dev.hotloop.protocol.item.MessageItem;
import dev.hotloop.protocol.json.ProtocolJson;
import dev.hotloop.protocol.model.FinishReason;
import dev.hotloop.protocol.model.ModelEvent;
import dev.hotloop.protocol.response.Response;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns one response's model events into protocol events: opens and closes output items, numbers every
 * event, and collects the finished output. One instance per response; not thread-safe (a Flux is serial).
 */
final class TurnEmitter {

    private static final String IN_PROGRESS = "in_progress";

    private final List<Item> output = new ArrayList<>();
    private int sequence;
    private OpenItem open;
    private ModelEvent.Finish finish;

    /** The item being streamed: a message collects text, a function call collects arguments. */
    private record OpenItem(String id, int outputIndex, String callId, String name, StringBuilder content) {

        boolean isCall() {
            return callId != null;
        }
    }

    ResponseEvent lifecycle(String type, Response response) {
        return new ResponseEvent.Lifecycle(type, sequence++, response);
    }

    ResponseEvent error(String code, String message) {
        return new ResponseEvent.Error("error", sequence++, code, message, null);
    }

    List<Item> output() {
        return output;
    }

    /** The model's finish, or null when the model ended without one. */
    ModelEvent.Finish finish() {
        return finish;
    }

    List<ResponseEvent> on(ModelEvent event) {
        List<ResponseEvent> events = new ArrayList<>(4);
        switch (event) {
            case ModelEvent.TextDelta delta -> {
                if (open != null && open.isCall()) {
                    close(events, true);
                }
                if (open == null) {
                    openMessage(events);
                }
                open.content().append(delta.text());
                events.add(new ResponseEvent.TextDelta("response.output_text.delta", sequence++, open.id(),
                        open.outputIndex(), 0, delta.text(), List.of()));
            }
            case ModelEvent.FunctionCallStart start -> {
                if (open != null) {
                    close(events, true);
                }
                open = new OpenItem(ResponseIds.item("fc"), output.size(), start.callId(), start.name(), new StringBuilder());
                events.add(new ResponseEvent.OutputItem("response.output_item.added", sequence++, open.outputIndex(),
                        FunctionCallItem.of(open.id(), start.callId(), start.name(), "", IN_PROGRESS)));
            }
            case ModelEvent.ArgumentsDelta delta -> {
                if (open == null || !open.isCall()) {
                    throw new IllegalStateException("Model sent function arguments outside a function call");
                }
                open.content().append(delta.delta());
                events.add(new ResponseEvent.ArgumentsDelta("response.function_call_arguments.delta", sequence++,
                        open.id(), open.outputIndex(), delta.delta()));
            }
            case ModelEvent.Finish done -> {
                finish = done;
                if (open != null) {
                    close(events, done.reason() == FinishReason.STOP);
                }
            }
        }
        return events;
    }

    private void openMessage(List<ResponseEvent> events) {
        open = new OpenItem(ResponseIds.item("msg"), output.size(), null, null, new StringBuilder());
        ObjectNode item = MessageItem.assistant(open.id(), "", IN_PROGRESS).json();
        item.set("content", ProtocolJson.nodes().arrayNode());
        events.add(new ResponseEvent.OutputItem("response.output_item.added", sequence++, open.outputIndex(),
                new MessageItem(item)));
        events.add(new ResponseEvent.ContentPart("response.content_part.added", sequence++, open.id(),
                open.outputIndex(), 0, MessageItem.outputText("")));
    }

    private void close(List<ResponseEvent> events, boolean completed) {
        String status = completed ? Response.COMPLETED : Response.INCOMPLETE;
        String content = open.content().toString();
        Item item;
        if (open.isCall()) {
            events.add(new ResponseEvent.ArgumentsDone("response.function_call_arguments.done", sequence++, open.id(),
                    open.outputIndex(), open.name(), content));
            item = FunctionCallItem.of(open.id(), open.callId(), open.name(), content, status);
        } else {
            events.add(new ResponseEvent.TextDone("response.output_text.done", sequence++, open.id(), open.outputIndex(),
                    0, content, List.of()));
            events.add(new ResponseEvent.ContentPart("response.content_part.done", sequence++, open.id(),
                    open.outputIndex(), 0, MessageItem.outputText(content)));
            item = MessageItem.assistant(open.id(), content, status);
        }
        events.add(new ResponseEvent.OutputItem("response.output_item.done", sequence++, open.outputIndex(), item));
        output.add(item);
        open = null;
    }
}
