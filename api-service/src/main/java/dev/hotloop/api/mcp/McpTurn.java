package dev.hotloop.api.mcp;

import dev.hotloop.protocol.error.ApiException;
import dev.hotloop.protocol.error.ErrorCodes;
import dev.hotloop.protocol.id.ResponseIds;
import dev.hotloop.protocol.item.FunctionCallItem;
import dev.hotloop.protocol.item.Item;
import dev.hotloop.protocol.json.ProtocolJson;
import dev.hotloop.protocol.tool.FunctionTool;
import dev.hotloop.protocol.tool.Tool;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The hosted {@code mcp} tools of one response: which servers still need listing, the functions the model sees for
 * the listed tools, the model's view of MCP items, and the sessions opened for the response (one per server, on first
 * use, closed by {@link #close}). Used by one response's serial stream.
 */
public final class McpTurn {

    /** A turn that hosts no MCP server. */
    public static final McpTurn NONE = new McpTurn(List.of(), List.of(), null);

    static final String DEFINITION = "hotloop_definition";

    private final List<McpTool> servers;
    private final @Nullable McpConnector connector;
    private final Map<String, McpTool> byLabel = new HashMap<>();
    private final Map<String, ObjectNode> listings = new LinkedHashMap<>();
    private final Map<String, Mono<McpAsyncClient>> sessions = new ConcurrentHashMap<>();
    private final List<McpAsyncClient> opened = new ArrayList<>();
    private final List<JsonNode> approved = new ArrayList<>();

    /** A tool the model may call: its server and its name there. */
    public record Binding(McpTool server, String tool, boolean approvalRequired) {}

    /**
     * A call's outcome: its output, or its error as {@code mcp_call.error} has it: {@code mcp_tool_execution_error}
     * (the tool's error result, with its {@code content}), {@code mcp_protocol_error} (a JSON-RPC error, or a call
     * hotloop did not send) or {@code http_error} (the server unreachable, late, or skipped by its breaker).
     */
    public record Result(@Nullable String output, @Nullable ObjectNode error) {

        /** A call that was not run, with the reason the model reads. */
        public static Result notRun(String reason) {
            return new Result(null, protocolError(-32000, reason));
        }
    }

    /** @throws ApiException 400 when an approval response names no approval request of the conversation */
    McpTurn(List<McpTool> servers, List<Item> context, @Nullable McpConnector connector) {
        this.servers = servers;
        this.connector = connector;
        for (McpTool server : servers) {
            byLabel.put(server.label(), server);
        }
        Map<String, JsonNode> requests = new HashMap<>();
        Set<String> answered = new HashSet<>();
        for (Item item : context) {
            switch (item.type()) {
                case "mcp_approval_request" ->
                    requests.put(item.json().path("id").asString(""), item.json());
                case "mcp_call" ->
                    answered.add(item.json().path("approval_request_id").asString(""));
                default -> {
                    // only requests and their calls matter here
                }
            }
        }
        for (Item item : context) {
            if ("mcp_approval_response".equals(item.type())) {
                String id = item.json().path("approval_request_id").asString("");
                JsonNode request = requests.get(id);
                if (request == null) {
                    throw ApiException.invalidRequest(
                            "input",
                            ErrorCodes.UNKNOWN_APPROVAL_REQUEST,
                            "No mcp_approval_request '" + id + "' in this conversation.");
                }
                if (item.json().path("approve").asBoolean(false) && answered.add(id)) {
                    approved.add(request);
                }
            }
        }
        // the latest listing of each server, if made for its current definition, is reused
        for (Item item : context) {
            if ("mcp_list_tools".equals(item.type())) {
                McpTool server = byLabel.get(item.json().path("server_label").asString(""));
                if (server != null
                        && server.definition()
                                .equals(item.json().path(DEFINITION).asString(""))
                        && !item.json().hasNonNull("error")) {
                    listings.put(server.label(), item.json());
                } else if (server != null) {
                    listings.remove(server.label());
                }
            }
        }
    }

    /** Approval requests the client granted and no call answered yet: run at the start of the response. */
    public List<JsonNode> approved() {
        return approved;
    }

    public boolean hosts() {
        return !servers.isEmpty();
    }

    /** Servers without a listing for their current definition: listed at the start of the response. */
    public List<McpTool> unlisted() {
        return servers.stream().filter(s -> !listings.containsKey(s.label())).toList();
    }

    /** The {@code mcp_list_tools} item of a server, in progress (no tools yet). */
    public static ObjectNode listingStarted(McpTool server) {
        ObjectNode item = ProtocolJson.nodes().objectNode();
        item.put("id", ResponseIds.item("mcpl"));
        item.put("type", "mcp_list_tools");
        item.put("server_label", server.label());
        item.putArray("tools");
        item.put(DEFINITION, server.definition());
        return item;
    }

    /**
     * Lists a server's tools into its item (or sets the item's {@code error}); never errors. The allowed tools are
     * what the model is offered.
     */
    public Mono<ObjectNode> list(McpTool server, ObjectNode started) {
        return session(server)
                .flatMap(client -> connector().list(server, client))
                .map(tools -> {
                    ObjectNode item = started.deepCopy();
                    ArrayNode listed = item.putArray("tools");
                    for (McpSchema.Tool tool : tools) {
                        if (server.allows(tool.name())) {
                            listed.add(describe(tool));
                        }
                    }
                    listings.put(server.label(), item);
                    return item;
                })
                .onErrorResume(error -> Mono.just(started.deepCopy()
                        .put(
                                "error",
                                failure(server, "list its tools", error)
                                        .path("message")
                                        .asString(""))));
    }

    /** What the model may call by a function name, or null when the name is no MCP tool of this turn. */
    public @Nullable Binding binding(String functionName) {
        for (Map.Entry<String, ObjectNode> listing : listings.entrySet()) {
            McpTool server = byLabel.get(listing.getKey());
            String prefix = McpTool.functionName(listing.getKey(), "");
            if (server != null && functionName.startsWith(prefix)) {
                String tool = functionName.substring(prefix.length());
                for (JsonNode listed : listing.getValue().path("tools")) {
                    if (tool.equals(listed.path("name").asString("")) && server.allows(tool)) {
                        return new Binding(server, tool, server.approval().required(tool));
                    }
                }
            }
        }
        return null;
    }

    /** A binding by server label and tool name, as an {@code mcp_approval_request} names them. */
    public @Nullable Binding binding(String label, String tool) {
        return binding(McpTool.functionName(label, tool));
    }

    /**
     * The tools the model sees: the request's own, with each {@code mcp} tool replaced by one function per allowed
     * tool its server listed (unless the request has a function of that name).
     */
    public List<Tool> modelTools(List<Tool> requestTools) {
        if (!hosts()) {
            return requestTools;
        }
        List<Tool> tools = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (Tool tool : requestTools) {
            if (tool instanceof FunctionTool function) {
                tools.add(function);
                names.add(function.name());
            } else if (!"mcp".equals(tool.type())) {
                tools.add(tool);
            }
        }
        listings.forEach((label, listing) -> {
            McpTool server = byLabel.get(label);
            for (JsonNode listed : listing.path("tools")) {
                String name = McpTool.functionName(label, listed.path("name").asString(""));
                if (server != null
                        && server.allows(listed.path("name").asString(""))
                        && name.length() <= 64
                        && names.add(name)) {
                    ObjectNode function = ProtocolJson.nodes().objectNode();
                    function.put("type", "function");
                    function.put("name", name);
                    function.put("description", listed.path("description").asString(""));
                    function.set(
                            "parameters",
                            listed.path("input_schema").isObject()
                                    ? listed.get("input_schema")
                                    : ProtocolJson.nodes().objectNode().put("type", "object"));
                    function.put("strict", false);
                    tools.add(new FunctionTool(function));
                }
            }
        });
        return tools;
    }

    /**
     * The context as the model reads it: an {@code mcp_call} is a function call and its output (or error); a denied
     * {@code mcp_approval_request} a call answered by the denial; a failed listing a developer message saying so.
     * Other MCP items (listings, pending or granted requests, approval responses) say nothing to the model.
     */
    public List<Item> modelContext(List<Item> items) {
        if (!hosts()) {
            return items;
        }
        Map<String, JsonNode> denials = new HashMap<>();
        for (Item item : items) {
            if ("mcp_approval_response".equals(item.type())
                    && !item.json().path("approve").asBoolean(false)) {
                denials.put(item.json().path("approval_request_id").asString(""), item.json());
            }
        }
        List<Item> view = new ArrayList<>(items.size());
        for (Item item : items) {
            JsonNode json = item.json();
            switch (item.type()) {
                case "mcp_call" -> {
                    String callId = json.path("id").asString("");
                    view.add(asFunctionCall(json));
                    String output = json.hasNonNull("error")
                            ? "[error] " + errorText(json.path("error"))
                            : json.path("output").asString("");
                    view.add(functionOutput(callId, output));
                }
                case "mcp_approval_request" -> {
                    JsonNode denial = denials.get(json.path("id").asString(""));
                    if (denial != null) {
                        String callId = json.path("id").asString("");
                        view.add(asFunctionCall(json));
                        String reason = denial.path("reason").asString("");
                        view.add(functionOutput(
                                callId,
                                "[error] The user denied this call" + (reason.isEmpty() ? "." : ": " + reason)));
                    }
                }
                case "mcp_list_tools" -> {
                    if (json.hasNonNull("error")) {
                        view.add(developerMessage(
                                "The MCP server '" + json.path("server_label").asString("")
                                        + "' is unavailable, so its tools cannot be used: "
                                        + json.path("error").asString("")));
                    }
                }
                case "mcp_approval_response" -> {
                    // its effect is the mcp_call that follows it, or the denial rendered above
                }
                default -> view.add(item);
            }
        }
        return view;
    }

    /** Runs one call; never errors: a failure, a timeout or an open breaker is the result's error. */
    public Mono<Result> call(Binding binding, String arguments) {
        Map<String, Object> parsed;
        try {
            JsonNode node = arguments.isBlank()
                    ? ProtocolJson.nodes().objectNode()
                    : ProtocolJson.mapper().readTree(arguments);
            if (!node.isObject()) {
                return Mono.just(new Result(null, protocolError(-32602, "The arguments must be a JSON object.")));
            }
            parsed = ProtocolJson.mapper().convertValue(node, new TypeReference<Map<String, Object>>() {});
        } catch (JacksonException malformed) {
            return Mono.just(new Result(null, protocolError(-32602, "The arguments are not valid JSON.")));
        }
        int max = connector().settings().maxOutputLength();
        return session(binding.server())
                .flatMap(client -> connector().call(binding.server(), client, binding.tool(), parsed))
                .map(result -> {
                    if (!Boolean.TRUE.equals(result.isError())) {
                        return new Result(capped(text(result), max), null);
                    }
                    ObjectNode error = ProtocolJson.nodes().objectNode().put("type", "mcp_tool_execution_error");
                    error.putArray("content").addObject().put("type", "text").put("text", capped(text(result), max));
                    return new Result(null, error);
                })
                .onErrorResume(error ->
                        Mono.just(new Result(null, failure(binding.server(), "call '" + binding.tool() + "'", error))));
    }

    /** Closes the sessions this response opened; completes when they are closed, never errors. */
    public Mono<Void> close() {
        List<McpAsyncClient> clients;
        synchronized (opened) {
            clients = List.copyOf(opened);
            opened.clear();
        }
        return Flux.fromIterable(clients)
                .flatMap(client -> client.closeGracefully().onErrorResume(error -> Mono.empty()))
                .then();
    }

    private Mono<McpAsyncClient> session(McpTool server) {
        return sessions.computeIfAbsent(
                server.label(),
                label -> connector()
                        .connect(server)
                        .doOnNext(client -> {
                            synchronized (opened) {
                                opened.add(client);
                            }
                        })
                        .cache()); // one session per server and response; a server that failed to connect stays failed
    }

    private McpConnector connector() {
        if (connector == null) {
            throw new IllegalStateException("This turn hosts no MCP server");
        }
        return connector;
    }

    private static ObjectNode describe(McpSchema.Tool tool) {
        ObjectNode listed = ProtocolJson.nodes().objectNode();
        listed.put("name", tool.name());
        if (tool.description() != null) {
            listed.put("description", tool.description());
        }
        listed.set(
                "input_schema",
                tool.inputSchema() == null
                        ? ProtocolJson.nodes().objectNode().put("type", "object")
                        : ProtocolJson.mapper().valueToTree(tool.inputSchema()));
        if (tool.annotations() != null) {
            listed.set("annotations", ProtocolJson.mapper().valueToTree(tool.annotations()));
        }
        return listed;
    }

    /** The result's text contents, one per line; other contents as their JSON. */
    private static String text(McpSchema.CallToolResult result) {
        StringBuilder text = new StringBuilder();
        if (result.content() != null) {
            for (McpSchema.Content content : result.content()) {
                if (!text.isEmpty()) {
                    text.append('\n');
                }
                text.append(
                        content instanceof McpSchema.TextContent t
                                ? t.text()
                                : ProtocolJson.mapper().writeValueAsString(content));
            }
        }
        if (text.isEmpty() && result.structuredContent() != null) {
            text.append(ProtocolJson.mapper().writeValueAsString(result.structuredContent()));
        }
        return text.toString();
    }

    static String capped(String text, int max) {
        if (text.length() <= max) {
            return text;
        }
        return text.substring(0, max) + "\n[hotloop: output cut at " + max + " of " + text.length() + " characters]";
    }

    /**
     * A failure as {@code mcp_call.error}: what failed and why, never the server's URL or headers. A JSON-RPC error
     * is the server's answer; anything else is the connection's ({@code http_error}: 504 late, 503 skipped, 502
     * unreachable).
     */
    private static ObjectNode failure(McpTool server, String what, Throwable error) {
        String prefix = "hotloop could not " + what + " on the MCP server '" + server.label() + "': ";
        return switch (error) {
            case McpError protocol
            when protocol.getJsonRpcError() != null ->
                protocolError(
                        protocol.getJsonRpcError().code(),
                        prefix + protocol.getJsonRpcError().message());
            case TimeoutException late -> httpError(504, prefix + "it did not answer in time.");
            case CallNotPermittedException open ->
                httpError(503, prefix + "it failed repeatedly and is skipped for a while (circuit open).");
            default -> httpError(502, prefix + "it could not be reached (" + rootCause(error) + ").");
        };
    }

    private static String rootCause(Throwable error) {
        Throwable cause = error;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.getClass().getSimpleName();
    }

    static ObjectNode protocolError(int code, String message) {
        return ProtocolJson.nodes()
                .objectNode()
                .put("type", "mcp_protocol_error")
                .put("code", code)
                .put("message", message);
    }

    private static ObjectNode httpError(int code, String message) {
        return ProtocolJson.nodes()
                .objectNode()
                .put("type", "http_error")
                .put("code", code)
                .put("message", message);
    }

    /** What the model reads of an {@code mcp_call.error}: its message, or the tool's error content. */
    static String errorText(JsonNode error) {
        if (error.path("message").isString()) {
            return error.path("message").stringValue();
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode content : error.path("content")) {
            text.append(text.isEmpty() ? "" : "\n").append(content.path("text").asString(""));
        }
        return text.toString();
    }

    private static Item developerMessage(String text) {
        ObjectNode json = ProtocolJson.nodes().objectNode();
        json.put("type", "message");
        json.put("role", "developer");
        json.putArray("content").addObject().put("type", "input_text").put("text", text);
        return Item.of(json);
    }

    /** An {@code mcp_call} or {@code mcp_approval_request} as the function call the model made, its id the call id. */
    private static Item asFunctionCall(JsonNode mcpItem) {
        String callId = mcpItem.path("id").asString("");
        return FunctionCallItem.of(
                callId,
                callId,
                McpTool.functionName(
                        mcpItem.path("server_label").asString(""),
                        mcpItem.path("name").asString("")),
                mcpItem.path("arguments").asString(""),
                "completed");
    }

    private static Item functionOutput(String callId, String output) {
        ObjectNode json = ProtocolJson.nodes().objectNode();
        json.put("type", "function_call_output");
        json.put("call_id", callId);
        json.put("output", output);
        return Item.of(json);
    }
}
