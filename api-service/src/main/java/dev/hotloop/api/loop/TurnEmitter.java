package dev.hotloop.api.loop;

import dev.hotloop.api.mcp.McpTurn;
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
import tools.jackson.databind.node.StringNode;

/**
 * Turns one response's model events into protocol events: opens and closes output items, numbers every
 * event, and collects the finished output. One instance per response; not thread-safe (a Flux is serial).
 */
final class TurnEmitter {

    private static final String IN_PROGRESS = "in_progress";

    /** The {@code tool} of a hosted call that goes to an MCP server. */
    static final String MCP = "mcp";

    private final Set<String> hostedTools;
    private final Set<String> configuredTools;
    private final McpTurn mcp;
    private final List<Item> output = new ArrayList<>();
    private final List<HostedCall> hostedCalls = new ArrayList<>();
    private int sequence;
    private @Nullable OpenItem open;
    private ModelEvent.@Nullable Finish finish;
    private int reportedOutputTokens;
    private boolean usageReported;
    private boolean awaitingApproval;

    /**
     * @param hostedTools names of the request's tools the platform runs itself (their calls become e.g. shell_call)
     * @param configuredTools names of the tool-runner functions the request offers (their calls run on the server)
     * @param mcp         the MCP servers the platform hosts for this response (their calls become mcp_call items)
     */
    TurnEmitter(Set<String> hostedTools, Set<String> configuredTools, McpTurn mcp) {
        this.hostedTools = hostedTools;
        this.configuredTools = configuredTools;
        this.mcp = mcp;
    }

    /** The item being streamed: a message collects text, a call collects its arguments. */
    private record OpenItem(
            String id,
            int outputIndex,
            @Nullable String callId,
            String name,
            boolean hosted,
            McpTurn.@Nullable Binding mcp,
            StringBuilder content) {

        boolean isCall() {
            return callId != null;
        }
    }

    ResponseEvent lifecycle(String type, Response response) {
        return new ResponseEvent.Lifecycle(type, sequence++, response);
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

    /** Whether the model called an MCP tool that waits for the client's approval: the response ends after this step. */
    boolean awaitingApproval() {
        return awaitingApproval;
    }

    /** An {@code mcp_list_tools} item starts: {@code output_item.added} and {@code mcp_list_tools.in_progress}. */
    List<ResponseEvent> mcpListStarted(ObjectNode item) {
        int index = output.size();
        output.add(new PassThroughItem(item));
        return List.of(
                new ResponseEvent.OutputItem(
                        "response.output_item.added", sequence++, index, new PassThroughItem(item)),
                progress("response.mcp_list_tools.in_progress", item, index));
    }

    /** The listing is done: {@code mcp_list_tools.completed} (or {@code failed}) and {@code output_item.done}. */
    List<ResponseEvent> mcpListDone(ObjectNode item) {
        int index = replace(item);
        String outcome = item.hasNonNull("error") ? "failed" : "completed";
        return List.of(
                progress("response.mcp_list_tools." + outcome, item, index),
                new ResponseEvent.OutputItem(
                        "response.output_item.done", sequence++, index, new PassThroughItem(item)));
    }

    /** A granted {@code mcp_call} starts: {@code output_item.added}; the call runs next. */
    List<ResponseEvent> mcpCallStarted(ObjectNode item) {
        int index = output.size();
        output.add(new PassThroughItem(item));
        return List.of(new ResponseEvent.OutputItem(
                "response.output_item.added", sequence++, index, new PassThroughItem(item)));
    }

    /** {@code mcp_call.in_progress}: the call was sent to its server. */
    ResponseEvent mcpCallRunning(HostedCall call) {
        ObjectNode item = call.item().json();
        return progress(
                "response.mcp_call.in_progress", item, indexOf(item.path("id").asString("")));
    }

    /** The call's output or error joins its item: {@code mcp_call.completed} (or {@code failed}), {@code output_item.done}. */
    List<ResponseEvent> mcpCallDone(HostedCall call, McpTurn.Result result) {
        ObjectNode item = call.item().json().deepCopy();
        item.put("status", result.error() == null ? Response.COMPLETED : "failed");
        item.put("output", result.output());
        item.set("error", result.error());
        int index = replace(item);
        return List.of(
                progress("response.mcp_call." + (result.error() == null ? "completed" : "failed"), item, index),
                new ResponseEvent.OutputItem(
                        "response.output_item.done", sequence++, index, new PassThroughItem(item)));
    }

    private ResponseEvent progress(String type, ObjectNode item, int index) {
        return new ResponseEvent.ItemProgress(type, sequence++, item.path("id").asString(""), index);
    }

    /** Puts a finished item where its in-progress version is; returns its output index. */
    private int replace(ObjectNode item) {
        int index = indexOf(item.path("id").asString(""));
        output.set(index, new PassThroughItem(item));
        return index;
    }

    private int indexOf(String id) {
        for (int i = output.size() - 1; i >= 0; i--) {
            if (id.equals(output.get(i).id())) {
                return i;
            }
        }
        throw new IllegalStateException("No output item " + id);
    }

    /**
     * A hosted call's result joins the output as its {@code shell_call_output} item, or a configured tool's as the
     * {@code function_call_output} of its call.
     */
    List<ResponseEvent> hostedResult(HostedCall call, JsonNode result) {
        if (configuredTools.contains(call.tool())) {
            ObjectNode json = ProtocolJson.nodes().objectNode();
            json.put("id", ResponseIds.item("fco"));
            json.put("type", "function_call_output");
            json.put("call_id", call.callId());
            json.put("output", result.path("output").asString(""));
            json.put("status", Response.COMPLETED);
            Item done = Item.of(json);
            int index = output.size();
            output.add(done);
            return List.of(
                    new ResponseEvent.OutputItem("response.output_item.added", sequence++, index, done),
                    new ResponseEvent.OutputItem("response.output_item.done", sequence++, index, done));
        }
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
                McpTurn.Binding binding = mcp.binding(start.name());
                boolean hosted = binding == null && hostedTools.contains(start.name());
                OpenItem call = new OpenItem(
                        ResponseIds.item(binding != null ? "mcp" : hosted ? "sh" : "fc"),
                        output.size(),
                        start.callId(),
                        start.name(),
                        hosted,
                        binding,
                        new StringBuilder());
                open = call;
                Item added = binding != null
                        ? mcpItem(call.id(), binding, "", IN_PROGRESS)
                        : hosted
                                ? hostedCall(
                                        call,
                                        start.callId(),
                                        ProtocolJson.nodes()
                                                .objectNode()
                                                .set(
                                                        "commands",
                                                        ProtocolJson.nodes().arrayNode()),
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
                if (call.mcp() != null && call.mcp().approvalRequired()) {
                    // an approval request is sent whole when the call is complete
                } else if (!call.hosted()) {
                    events.add(new ResponseEvent.ArgumentsDelta(
                            call.mcp() != null
                                    ? "response.mcp_call_arguments.delta"
                                    : "response.function_call_arguments.delta",
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

    /** An {@code mcp_call} item, or an {@code mcp_approval_request} when the call waits for approval. */
    private static PassThroughItem mcpItem(String id, McpTurn.Binding binding, String arguments, String status) {
        ObjectNode item = ProtocolJson.nodes().objectNode();
        item.put("id", id);
        item.put("type", binding.approvalRequired() ? "mcp_approval_request" : "mcp_call");
        item.put("server_label", binding.server().label());
        item.put("name", binding.tool());
        item.put("arguments", arguments);
        if (!binding.approvalRequired()) {
            item.put("status", status);
        }
        return new PassThroughItem(item);
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
        OpenItem message =
                new OpenItem(ResponseIds.item("msg"), output.size(), null, "", false, null, new StringBuilder());
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
        McpTurn.Binding binding = closing.mcp();
        if (callId != null && binding != null) {
            if (binding.approvalRequired()) {
                item = mcpItem(closing.id(), binding, content, status);
                awaitingApproval |= completed;
            } else {
                events.add(new ResponseEvent.ArgumentsDone(
                        "response.mcp_call_arguments.done",
                        sequence++,
                        closing.id(),
                        closing.outputIndex(),
                        closing.name(),
                        content));
                PassThroughItem call = mcpItem(closing.id(), binding, content, completed ? IN_PROGRESS : status);
                if (completed) {
                    // done once it ran: mcpCallDone emits output_item.done with its output
                    hostedCalls.add(new HostedCall(MCP, closing.id(), call.json(), call));
                    output.add(call);
                    open = null;
                    return;
                }
                item = call;
            }
        } else if (callId != null && closing.hosted()) {
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
            if (completed && configuredTools.contains(closing.name())) {
                // a tool-runner function: its output follows in this response, as a shell call's does
                hostedCalls.add(new HostedCall(closing.name(), callId, StringNode.valueOf(content), item));
            }
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
