package dev.hotloop.api.loop;

import dev.hotloop.api.tools.HostedCall;
import dev.hotloop.protocol.event.ResponseEvent;
import dev.hotloop.protocol.id.ResponseIds;
import dev.hotloop.protocol.item.FunctionCallItem;
import dev.hotloop.protocol.item.Item;
import dev.hotloop.protocol.item.MessageItem;
import dev.hotloop.protocol.item.PassThroughItem;
import dev.hotloop.protocol.json.ProtocolJson;
import dev.hotloop.protocol.model.FinishReason;
import dev.hotloop.protocol.model.ModelEvent;
import dev.hotloop.protocol.response.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns one response's model events into protocol events: opens and closes output items, numbers every
 * event, and collects the finished output. One instance per response; not thread-safe (a Flux is serial).
 */
final class TurnEmitter {

    private static final String IN_PROGRESS = "in_progress";

    private final Set<String> hostedTools;
    private final List<Item> output = new ArrayList<>();
    private final List<HostedCall> hostedCalls = new ArrayList<>();
    private int sequence;
    private @Nullable OpenItem open;
    private ModelEvent.@Nullable Finish finish;
    private int reportedOutputTokens;
    private boolean usageReported;

    /** @param hostedTools names of the request's tools the platform runs itself (their calls become e.g. shell_call) */
    TurnEmitter(Set<String> hostedTools) {
        this.hostedTools = hostedTools;
    }

    /** The item being streamed: a message collects text, a call collects its arguments. */
    private record OpenItem(
            String id, int outputIndex, @Nullable String callId, String name, boolean hosted, StringBuilder content) {

        boolean isCall() {
            return callId != null;
        }
    }

    ResponseEvent lifecycle(String type, Response response) {
        return new ResponseEvent.Lifecycle(type, sequence++, response);
    }

    ResponseEvent error(String code, String message) {
        return new ResponseEvent.StreamError("error", sequence++, code, message, null);
    }

    List<Item> output() {
        return output;
    }

    /** The last sampling step's finish, or null when the model ended without one. */
    ModelEvent.@Nullable Finish finish() {
        return finish;
    }

    /** Output tokens over all sampling steps as the model reported them, or -1 when it reported none. */
    int reportedOutputTokens() {
        return usageReported ? reportedOutputTokens : -1;
    }

    /** The hosted calls of the last sampling step, to run before sampling again; clears them. */
    List<HostedCall> takeHostedCalls() {
        List<HostedCall> calls = List.copyOf(hostedCalls);
        hostedCalls.clear();
        return calls;
    }

    /** An item made whole by the engine itself (a compaction) joins the output: added and done at once. */
    List<ResponseEvent> completedItem(Item item) {
        int index = output.size();
        output.add(item);
        return List.of(
                new ResponseEvent.OutputItem("response.output_item.added", sequence++, index, item),
                new ResponseEvent.OutputItem("response.output_item.done", sequence++, index, item));
    }

    /** A hosted call's result joins the output as its {@code shell_call_output} item. */
    List<ResponseEvent> hostedResult(HostedCall call, JsonNode result) {
        ObjectNode item = ProtocolJson.nodes().objectNode();
        item.put("id", ResponseIds.item("sho"));
        item.put("type", call.tool() + "_call_output");
        item.put("status", IN_PROGRESS);
        item.put("call_id", call.callId());
        item.set("output", ProtocolJson.nodes().arrayNode());
        item.putNull("max_output_length");
        int index = output.size();
        ResponseEvent added = new ResponseEvent.OutputItem(
                "response.output_item.added", sequence++, index, new PassThroughItem(item.deepCopy()));
        item.put("status", Response.COMPLETED);
        item.set("output", result.path("output"));
        if (result.has("max_output_length")) {
            item.set("max_output_length", result.get("max_output_length"));
        }
        PassThroughItem done = new PassThroughItem(item);
        output.add(done);
        return List.of(added, new ResponseEvent.OutputItem("response.output_item.done", sequence++, index, done));
    }

    List<ResponseEvent> on(ModelEvent event) {
        List<ResponseEvent> events = new ArrayList<>(4);
        switch (event) {
            case ModelEvent.TextDelta delta -> {
                OpenItem message = open;
                if (message != null && message.isCall()) {
                    close(events, message, true);
                    message = null;
                }
                if (message == null) {
                    message = openMessage(events);
                }
                message.content().append(delta.text());
                events.add(new ResponseEvent.TextDelta(
                        "response.output_text.delta",
                        sequence++,
                        message.id(),
                        message.outputIndex(),
                        0,
                        delta.text(),
                        List.of()));
            }
            case ModelEvent.FunctionCallStart start -> {
                if (open != null) {
                    close(events, open, true);
                }
                boolean hosted = hostedTools.contains(start.name());
                OpenItem call = new OpenItem(
                        ResponseIds.item(hosted ? "sh" : "fc"),
                        output.size(),
                        start.callId(),
                        start.name(),
                        hosted,
                        new StringBuilder());
                open = call;
                Item added = hosted
                        ? hostedCall(
                                call,
                                start.callId(),
                                ProtocolJson.nodes()
                                        .objectNode()
                                        .set("commands", ProtocolJson.nodes().arrayNode()),
                                IN_PROGRESS)
                        : FunctionCallItem.of(call.id(), start.callId(), start.name(), "", IN_PROGRESS);
                events.add(new ResponseEvent.OutputItem(
                        "response.output_item.added", sequence++, call.outputIndex(), added));
            }
            case ModelEvent.ArgumentsDelta delta -> {
                OpenItem call = open;
                if (call == null || !call.isCall()) {
                    throw new IllegalStateException("Model sent function arguments outside a function call");
                }
                call.content().append(delta.delta());
                if (!call.hosted()) {
                    events.add(new ResponseEvent.ArgumentsDelta(
                            "response.function_call_arguments.delta",
                            sequence++,
                            call.id(),
                            call.outputIndex(),
                            delta.delta()));
                }
            }
            case ModelEvent.Finish done -> {
                finish = done;
                if (done.usage() != null) {
                    usageReported = true;
                    reportedOutputTokens += done.usage().outputTokens();
                }
                if (open != null) {
                    close(events, open, done.reason() == FinishReason.STOP);
                }
            }
        }
        return events;
    }

    /**
     * A hosted call's item, e.g. {@code {"type":"shell_call","action":{"commands":[…]}}}, with the nulls OpenAI's
     * schema requires for the limits the model left out and for the environment hotloop does not name.
     */
    private static PassThroughItem hostedCall(OpenItem call, String callId, JsonNode action, String status) {
        ObjectNode item = ProtocolJson.nodes().objectNode();
        item.put("id", call.id());
        item.put("type", call.name() + "_call");
        item.put("status", status);
        item.put("call_id", callId);
        ObjectNode echoed = (ObjectNode) action.deepCopy();
        for (String limit : List.of("timeout_ms", "max_output_length")) {
            if (!echoed.has(limit)) {
                echoed.putNull(limit);
            }
        }
        item.set("action", echoed);
        item.putNull("environment");
        return new PassThroughItem(item);
    }

    /** The action a hosted call's arguments describe; arguments that are no JSON object run nothing. */
    private static JsonNode action(String arguments) {
        try {
            JsonNode action = ProtocolJson.mapper().readTree(arguments);
            if (action != null && action.isObject()) {
                return action;
            }
        } catch (JacksonException malformed) {
            // falls through: the tool runs no command and the model sees an empty result
        }
        return ProtocolJson.nodes()
                .objectNode()
                .set("commands", ProtocolJson.nodes().arrayNode());
    }

    private OpenItem openMessage(List<ResponseEvent> events) {
        OpenItem message = new OpenItem(ResponseIds.item("msg"), output.size(), null, "", false, new StringBuilder());
        open = message;
        ObjectNode item = MessageItem.assistant(message.id(), "", IN_PROGRESS).json();
        item.set("content", ProtocolJson.nodes().arrayNode());
        events.add(new ResponseEvent.OutputItem(
                "response.output_item.added", sequence++, message.outputIndex(), new MessageItem(item)));
        events.add(new ResponseEvent.ContentPart(
                "response.content_part.added",
                sequence++,
                message.id(),
                message.outputIndex(),
                0,
                MessageItem.outputText("")));
        return message;
    }

    private void close(List<ResponseEvent> events, OpenItem closing, boolean completed) {
        String status = completed ? Response.COMPLETED : Response.INCOMPLETE;
        String content = closing.content().toString();
        String callId = closing.callId();
        Item item;
        if (callId != null && closing.hosted()) {
            JsonNode action = action(content);
            PassThroughItem call = hostedCall(closing, callId, action, status);
            hostedCalls.add(new HostedCall(closing.name(), callId, action, call));
            item = call;
        } else if (callId != null) {
            events.add(new ResponseEvent.ArgumentsDone(
                    "response.function_call_arguments.done",
                    sequence++,
                    closing.id(),
                    closing.outputIndex(),
                    closing.name(),
                    content));
            item = FunctionCallItem.of(closing.id(), callId, closing.name(), content, status);
        } else {
            events.add(new ResponseEvent.TextDone(
                    "response.output_text.done",
                    sequence++,
                    closing.id(),
                    closing.outputIndex(),
                    0,
                    content,
                    List.of()));
            events.add(new ResponseEvent.ContentPart(
                    "response.content_part.done",
                    sequence++,
                    closing.id(),
                    closing.outputIndex(),
                    0,
                    MessageItem.outputText(content)));
            item = MessageItem.assistant(closing.id(), content, status);
        }
        events.add(new ResponseEvent.OutputItem("response.output_item.done", sequence++, closing.outputIndex(), item));
        output.add(item);
        open = null;
    }
}
