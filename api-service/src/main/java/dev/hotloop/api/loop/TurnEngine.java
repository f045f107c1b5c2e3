package dev.hotloop.api.loop;

import dev.hotloop.api.context.ContextItem;
import dev.hotloop.api.context.ContextSource;
import dev.hotloop.api.context.Conversation;
import dev.hotloop.api.context.StoredConversations;
import dev.hotloop.api.limits.Grant;
import dev.hotloop.api.mcp.McpHost;
import dev.hotloop.api.mcp.McpTurn;
import dev.hotloop.api.metrics.Stage;
import dev.hotloop.api.metrics.TurnMetrics;
import dev.hotloop.api.metrics.TurnStages;
import dev.hotloop.api.metrics.TurnTiming;
import dev.hotloop.api.model.ModelCatalog;
import dev.hotloop.api.session.ConversationRecord;
import dev.hotloop.api.session.SessionClient;
import dev.hotloop.api.tokens.TokenCounter;
import dev.hotloop.api.tools.HostedCall;
import dev.hotloop.api.tools.ToolRunnerClient;
import dev.hotloop.protocol.error.ApiException;
import dev.hotloop.protocol.error.ErrorCodes;
import dev.hotloop.protocol.event.ResponseEvent;
import dev.hotloop.protocol.id.ResponseIds;
import dev.hotloop.protocol.item.Item;
import dev.hotloop.protocol.item.PassThroughItem;
import dev.hotloop.protocol.json.ProtocolJson;
import dev.hotloop.protocol.model.Compaction;
import dev.hotloop.protocol.model.FinishReason;
import dev.hotloop.protocol.model.ModelEvent;
import dev.hotloop.protocol.model.ModelProvider;
import dev.hotloop.protocol.model.ModelRequest;
import dev.hotloop.protocol.request.ConversationRequestReader;
import dev.hotloop.protocol.request.CreateRequest;
import dev.hotloop.protocol.response.CompactedResponse;
import dev.hotloop.protocol.response.Response;
import dev.hotloop.protocol.response.Usage;
import dev.hotloop.protocol.tool.FunctionTool;
import dev.hotloop.protocol.tool.HostedTool;
import dev.hotloop.protocol.tool.Tool;
import dev.hotloop.protocol.tool.ToolChoice;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The agent loop, one engine under every transport: {@link #prepare} resolves and validates a request
 * (failing with an {@link ApiException} before any event) against the conversation a {@link ContextSource}
 * finds, {@link #run} streams its protocol events.
 * With {@code store:true} a response is persisted before its terminal event is emitted, so a client that
 * saw {@code response.completed} can always continue from it or fetch it.
 */
public class TurnEngine {

    private static final Logger log = LoggerFactory.getLogger(TurnEngine.class);
    private static final Set<String> SHELL = Set.of("shell");
    /** The extension tool type naming a tool configured in tool-runner. */
    private static final String CONFIGURED = "hotloop_tool";

    private final ModelCatalog models;
    private final SessionClient sessions;
    private final StoredConversations conversations;
    private final ToolRunnerClient tools;
    private final McpHost mcp;
    private final TokenCounter tokens;
    private final Clock clock;
    private final Counter cancelledStreams;
    private final TurnMetrics metrics;

    public TurnEngine(
            ModelCatalog models,
            SessionClient sessions,
            StoredConversations conversations,
            ToolRunnerClient tools,
            McpHost mcp,
            TokenCounter tokens,
            Clock clock,
            MeterRegistry meters,
            TurnMetrics metrics) {
        this.models = models;
        this.sessions = sessions;
        this.conversations = conversations;
        this.tools = tools;
        this.mcp = mcp;
        this.tokens = tokens;
        this.clock = clock;
        this.metrics = metrics;
        this.cancelledStreams = Counter.builder("hotloop.model.streams.cancelled")
                .description("Model streams stopped because the client went away")
                .register(meters);
    }

    /** Resolves the conversation the request continues and checks the request against it. */
    public Mono<Turn> prepare(TurnOrigin origin, CreateRequest request, ContextSource source) {
        return prepare(origin, request, source, null);
    }

    /** As {@link #prepare(TurnOrigin, CreateRequest, ContextSource)}, under an id given in advance when not null. */
    public Mono<Turn> prepare(
            TurnOrigin origin, CreateRequest request, ContextSource source, @Nullable String responseId) {
        return Mono.defer(() -> {
            TurnStages stages = metrics.start(origin, request.previousResponseId());
            String model = models.modelFor(request.model());
            ModelProvider provider = models.provider(model);
            // a conversation's items are addressed by id, so each input item it will hold has one
            List<Item> sent = request.conversation() == null
                    ? request.input()
                    : request.input().stream()
                            .map(ConversationRequestReader::identified)
                            .toList();
            return stages.measure(Stage.TOKENIZE, tokens.count(sent))
                    .flatMap(input -> stages.measure(
                                    Stage.STATE_LOAD, history(origin.tenant(), request, source, stages))
                            .flatMap(history -> {
                                Conversation context = stages.measure(
                                        Stage.VALIDATE, () -> history.context().withInput(input));
                                String id = responseId != null
                                        ? responseId
                                        : request.previousResponseId() == null
                                                ? ResponseIds.newChain()
                                                : ResponseIds.continuing(request.previousResponseId());
                                Response start = Response.start(
                                        id, model, request, clock.instant().getEpochSecond());
                                return Mono.zip(
                                                configuredTools(request),
                                                mcp.open(origin.tenant(), request, provider, context.items()),
                                                stages.measure(
                                                        Stage.TOKENIZE,
                                                        tokens.preamble(request.instructions(), request.tools())))
                                        .map(hosted -> new Turn(
                                                origin,
                                                request,
                                                // validating SDKs know no hotloop_tool: a configured tool echoes as
                                                // its function
                                                hosted.getT1().isEmpty()
                                                        ? start
                                                        : start.withTools(echoed(request, hosted.getT1())),
                                                provider,
                                                input,
                                                context,
                                                history.conversation(),
                                                hosted.getT3(),
                                                stages,
                                                hosted.getT1(),
                                                hosted.getT2()));
                            }));
        });
    }

    /** The context a turn continues: its conversation's items (at their version), or what {@code source} finds. */
    private Mono<History> history(String tenant, CreateRequest request, ContextSource source, TurnStages stages) {
        String conversation = request.conversation();
        if (conversation == null) {
            return source.conversation(tenant, request, stages).map(context -> new History(context, null));
        }
        // never from a connection's cache: a conversation changes under every client that holds it
        stages.tier(TurnStages.Tier.STORE);
        return sessions.conversationHistory(tenant, conversation)
                .map(stored -> new History(Conversation.of(stored.items()), stored.conversation()));
    }

    /** @param conversation the conversation the turn appends to, as it read it; null for none */
    private record History(Conversation context, @Nullable ConversationRecord conversation) {}

    /**
     * Streams the turn: {@code response.created}, {@code response.in_progress}, the output events, then one
     * terminal event ({@code completed}, {@code incomplete} or {@code failed}). Model and store failures end
     * the stream with {@code response.failed}, never with an error signal. Cancelling stops the model and a running
     * tool call; the MCP sessions the response opened close however it ends.
     */
    public Flux<ResponseEvent> run(Turn turn, TurnListener listener) {
        if (!turn.mcp().hosts()) {
            return Flux.defer(() -> events(turn, listener));
        }
        // the MCP sessions the response opens close when it ends, however it ends
        return Flux.usingWhen(Mono.just(turn.mcp()), hosted -> events(turn, listener), McpTurn::close);
    }

    private Flux<ResponseEvent> events(Turn turn, TurnListener listener) {
        TurnEmitter emitter = new TurnEmitter(
                hostedTools(turn.request()),
                turn.configured().stream().map(FunctionTool::name).collect(Collectors.toSet()),
                turn.mcp());
        Flux<ResponseEvent> opening = Flux.just(
                emitter.lifecycle("response.created", turn.response()),
                emitter.lifecycle("response.in_progress", turn.response()));
        Flux<ResponseEvent> sampling = turn.request().generate()
                ? compacted(turn, emitter)
                        .concatWith(listMcpTools(turn, emitter))
                        .concatWith(Flux.defer(() -> runApproved(turn, emitter)))
                : Flux.empty();
        return opening.concatWith(sampling)
                .concatWith(Mono.defer(() -> finish(turn, emitter, listener)))
                .onErrorResume(error -> Mono.just(failed(turn, emitter, error, listener)))
                .map(event -> event.terminal() ? measured(turn, (ResponseEvent.Lifecycle) event) : event)
                .doOnEach(Grant::releaseAtEnd);
    }

    /** Lists the tools of the hosted MCP servers without a listing for their current definition, one after another. */
    private Flux<ResponseEvent> listMcpTools(Turn turn, TurnEmitter emitter) {
        return Flux.fromIterable(turn.mcp().unlisted()).concatMap(server -> {
            ObjectNode started = McpTurn.listingStarted(server);
            return Flux.fromIterable(emitter.mcpListStarted(started))
                    .concatWith(turn.stages()
                            .measure(Stage.TOOL, turn.mcp().list(server, started))
                            .flatMapIterable(emitter::mcpListDone));
        });
    }

    /**
     * Runs the calls the client approved ({@code mcp_approval_response} with {@code approve: true}) as
     * {@code mcp_call} items, then samples; they count against {@code max_tool_calls}.
     */
    private Flux<ResponseEvent> runApproved(Turn turn, TurnEmitter emitter) {
        List<JsonNode> approved = turn.mcp().approved();
        Integer max = turn.request().maxToolCalls();
        int allowed = max == null ? approved.size() : Math.min(approved.size(), max);
        return Flux.fromIterable(approved.subList(0, allowed))
                .concatMap(request -> {
                    ObjectNode item = ProtocolJson.nodes().objectNode();
                    item.put("id", ResponseIds.item("mcp"));
                    item.put("type", "mcp_call");
                    item.put("server_label", request.path("server_label").asString(""));
                    item.put("name", request.path("name").asString(""));
                    item.put("arguments", request.path("arguments").asString(""));
                    item.put("approval_request_id", request.path("id").asString(""));
                    item.put("status", Response.IN_PROGRESS);
                    HostedCall call = new HostedCall(
                            TurnEmitter.MCP, item.path("id").asString(""), item, new PassThroughItem(item));
                    return Flux.fromIterable(emitter.mcpCallStarted(item)).concatWith(runHosted(turn, emitter, call));
                })
                .concatWith(Flux.defer(() -> sample(turn, emitter, allowed)));
    }

    /**
     * One sampling step, then, when the model called hosted tools (and {@code max_tool_calls} allows), their
     * execution and the next step: the loop continues inside one response without a client round trip.
     */
    private Flux<ResponseEvent> sample(Turn turn, TurnEmitter emitter, int hostedCallsSoFar) {
        return turn.stages()
                .model(turn.provider().stream(modelRequest(turn, emitter.output()))
                        .doOnCancel(cancelledStreams::increment))
                .concatMapIterable(emitter::on)
                .concatWith(Flux.defer(() -> {
                    List<HostedCall> calls = emitter.takeHostedCalls();
                    Integer max = turn.request().maxToolCalls();
                    int allowed = max == null ? calls.size() : Math.min(calls.size(), max - hostedCallsSoFar);
                    if (allowed <= 0
                            || emitter.finish() == null
                            || emitter.finish().reason() != FinishReason.STOP) {
                        return notRun(emitter, calls, Math.max(0, allowed), max);
                    }
                    Flux<ResponseEvent> next = emitter.awaitingApproval()
                            ? Flux.empty() // the client answers the approval request in its next request
                            : Flux.defer(() -> sample(turn, emitter, hostedCallsSoFar + allowed));
                    return Flux.fromIterable(calls.subList(0, allowed))
                            .concatMap(call -> runHosted(turn, emitter, call))
                            .concatWith(notRun(emitter, calls, allowed, max))
                            .concatWith(next);
                }));
    }

    /** MCP calls past {@code max_tool_calls} (or after the model stopped early) end as failed, never left open. */
    private static Flux<ResponseEvent> notRun(
            TurnEmitter emitter, List<HostedCall> calls, int from, @Nullable Integer max) {
        return Flux.fromIterable(calls.subList(from, calls.size()))
                .filter(call -> TurnEmitter.MCP.equals(call.tool()))
                .concatMapIterable(call -> emitter.mcpCallDone(
                        call, McpTurn.Result.notRun("Not run: the response reached max_tool_calls (" + max + ").")));
    }

    private Flux<ResponseEvent> runHosted(Turn turn, TurnEmitter emitter, HostedCall call) {
        if (TurnEmitter.MCP.equals(call.tool())) {
            JsonNode item = call.action();
            McpTurn.Binding binding = turn.mcp()
                    .binding(
                            item.path("server_label").asString(""),
                            item.path("name").asString(""));
            Mono<McpTurn.Result> result = binding == null
                    ? Mono.just(McpTurn.Result.notRun("The tool is not among this request's mcp tools."))
                    : turn.mcp().call(binding, item.path("arguments").asString(""));
            return Flux.just(emitter.mcpCallRunning(call))
                    .concatWith(turn.stages()
                            .measure(Stage.TOOL, result)
                            .flatMapIterable(done -> emitter.mcpCallDone(call, done)));
        }
        String chain = ResponseIds.chainTag(turn.response().id());
        return turn.stages()
                .measure(Stage.TOOL, tools.execute(turn.tenant(), chain, call))
                .flatMapIterable(result -> emitter.hostedResult(call, result));
    }

    /**
     * The tool-runner functions the request's {@code hotloop_tool} entries name ({@code {"type": "hotloop_tool",
     * "name": "word_count"}}); a 400 naming the entry when tool-runner has no such tool or the request has a
     * function of that name.
     */
    private Mono<List<FunctionTool>> configuredTools(CreateRequest request) {
        if (request.tools().stream().noneMatch(tool -> CONFIGURED.equals(tool.type()))) {
            return Mono.just(List.of());
        }
        return tools.configuredTools().map(available -> {
            List<FunctionTool> offered = new ArrayList<>();
            List<Tool> requested = request.tools();
            for (int i = 0; i < requested.size(); i++) {
                if (!CONFIGURED.equals(requested.get(i).type())) {
                    continue;
                }
                String name = requested.get(i).json().path("name").asString("");
                FunctionTool tool = available.get(name);
                if (tool == null) {
                    throw ApiException.invalidRequest(
                            "tools[" + i + "].name",
                            ErrorCodes.TOOL_NOT_FOUND,
                            "No configured tool '" + name + "'. Available: "
                                    + available.keySet().stream().sorted().toList() + ".");
                }
                boolean taken = requested.stream()
                        .anyMatch(t -> t instanceof FunctionTool f && f.name().equals(name));
                if (taken) {
                    throw ApiException.invalidRequest(
                            "tools[" + i + "].name",
                            ErrorCodes.DUPLICATE_FUNCTION_NAME,
                            "Duplicate function name '" + name + "' in tools.");
                }
                offered.add(tool);
            }
            return List.copyOf(offered);
        });
    }

    /** The request's tools with each {@code hotloop_tool} entry replaced by its function, credentials left out. */
    private static List<Tool> echoed(CreateRequest request, List<FunctionTool> configured) {
        List<Tool> tools = new ArrayList<>(request.tools().size());
        int next = 0;
        for (Tool tool : request.tools()) {
            tools.add(CONFIGURED.equals(tool.type()) ? configured.get(next++) : tool.echoed());
        }
        return tools;
    }

    /** The tools the model sees: configured tools as their functions, hosted MCP servers' tools as functions. */
    private static List<Tool> modelTools(Turn turn) {
        List<Tool> tools = turn.request().tools();
        if (!turn.configured().isEmpty()) {
            tools = new ArrayList<>(tools.size());
            for (Tool tool : turn.request().tools()) {
                if (!CONFIGURED.equals(tool.type())) {
                    tools.add(tool);
                }
            }
            tools.addAll(turn.configured());
        }
        return turn.mcp().modelTools(tools);
    }

    /** Names of the request's tools that hotloop runs itself: today the {@code shell} tool. */
    private static Set<String> hostedTools(CreateRequest request) {
        for (Tool tool : request.tools()) {
            if (tool instanceof HostedTool && "shell".equals(tool.type())) {
                return SHELL;
            }
        }
        return Set.of();
    }

    /**
     * Compacts the turn's context (history and input) into one {@code compaction} item: the model summarizes it with
     * {@link Compaction#INSTRUCTIONS}, without tools. Nothing is stored.
     */
    public Mono<CompactedResponse> compact(Turn turn) {
        return summary(turn, turn.context().items()).zipWith(inputTokens(turn), (summary, inputTokens) -> {
            int outputTokens = summary.usage() != null ? summary.usage().outputTokens() : tokens.text(summary.text());
            return CompactedResponse.of(
                    ResponseIds.item("cmp"),
                    clock.instant().getEpochSecond(),
                    List.of(Compaction.item(summary.text())),
                    Usage.of(inputTokens, 0, outputTokens));
        });
    }

    /**
     * Tokens of the turn's whole rendered input (preamble, history and input), as the engine counts them: the items
     * whose count was deferred are counted now.
     */
    public Mono<Integer> inputTokens(Turn turn) {
        return tokens.windowTokens(turn.context()).map(window -> turn.preambleTokens() + window);
    }

    /**
     * Server-side compaction ({@code context_management}): when the turn's rendered input passes the request's
     * {@code compact_threshold}, the model first summarizes it, and the {@code compaction} item that carries the
     * summary is the response's first output item; sampling then sees the context from it on
     * ({@link Compaction#window}), and so does every later turn that continues this one.
     */
    private Flux<ResponseEvent> compacted(Turn turn, TurnEmitter emitter) {
        Integer threshold = turn.request().compactThreshold();
        if (threshold == null) {
            return Flux.empty();
        }
        return inputTokens(turn)
                .filter(inputTokens -> inputTokens > threshold)
                .flatMap(inputTokens -> summary(turn, turn.context().items()))
                .flatMapIterable(summary -> emitter.completedItem(Compaction.item(summary.text())));
    }

    /** A summary and the usage the model reported for it, if it did. */
    private record Summary(String text, ModelEvent.@Nullable ModelUsage usage) {}

    /** The model's summary of {@code context}'s window, asked with {@link Compaction#INSTRUCTIONS} and no tools. */
    private Mono<Summary> summary(Turn turn, List<Item> context) {
        ModelRequest summarize = new ModelRequest(
                turn.response().model(),
                Compaction.INSTRUCTIONS,
                Compaction.window(context),
                List.of(),
                ToolChoice.NONE,
                false,
                null,
                null,
                null,
                turn.request().promptCacheKey());
        StringBuilder text = new StringBuilder();
        // the model's time, not hotloop's overhead
        return turn.stages()
                .model(turn.provider().stream(summarize))
                .doOnNext(event -> {
                    if (event instanceof ModelEvent.TextDelta delta) {
                        text.append(delta.text());
                    }
                })
                .ofType(ModelEvent.Finish.class)
                .next()
                .map(finish -> new Summary(text.toString(), finish.usage()));
    }

    private Mono<ResponseEvent> finish(Turn turn, TurnEmitter emitter, TurnListener listener) {
        ModelEvent.Finish finish = emitter.finish();
        if (turn.request().generate() && finish == null) {
            return Mono.error(new IllegalStateException("The model ended its stream without finishing"));
        }
        ModelEvent.@Nullable ModelUsage reported = finish == null ? null : finish.usage();
        // an upstream's own count wins: the engine counts the input only where none is reported
        Mono<Integer> inputTokens =
                reported != null && reported.inputTokens() > 0 ? Mono.just(reported.inputTokens()) : inputTokens(turn);
        return turn.stages()
                .measure(Stage.TOKENIZE, Mono.zip(tokens.count(emitter.output()), inputTokens))
                .flatMap(counted -> finish(turn, emitter, listener, finish, counted.getT1(), counted.getT2()));
    }

    /** The terminal event of a turn whose output is counted: persisted first when the request stores. */
    private Mono<ResponseEvent> finish(
            Turn turn,
            TurnEmitter emitter,
            TurnListener listener,
            ModelEvent.@Nullable Finish finish,
            List<ContextItem> output,
            int inputTokens) {
        FinishReason reason = finish == null ? FinishReason.STOP : finish.reason();
        ModelEvent.ModelUsage reported = finish == null ? null : finish.usage();
        // the engine's per-item count stands in where the upstream reports none
        int outputTokens = emitter.reportedOutputTokens() >= 0 ? emitter.reportedOutputTokens() : sum(output);
        Usage usage = Usage.of(inputTokens, reported != null ? reported.cachedTokens() : 0, outputTokens);
        long now = clock.instant().getEpochSecond();
        Response response = switch (reason) {
            case STOP -> turn.response().finish(Response.COMPLETED, emitter.output(), usage, null, null, now);
            case LENGTH ->
                turn.response()
                        .finish(
                                Response.INCOMPLETE,
                                emitter.output(),
                                usage,
                                null,
                                new Response.IncompleteDetails("max_output_tokens"),
                                now);
            case CONTENT_FILTER ->
                turn.response()
                        .finish(
                                Response.INCOMPLETE,
                                emitter.output(),
                                usage,
                                null,
                                new Response.IncompleteDetails("content_filter"),
                                now);
        };
        String type = Response.COMPLETED.equals(response.status()) ? "response.completed" : "response.incomplete";
        Conversation after = turn.context().withOutput(output);
        Mono<Void> stored = turn.request().store()
                ? conversations.store(turn.tenant(), response, turn.input(), output, after)
                : Mono.empty();
        Mono<Void> persisted = turn.conversation() == null && !turn.request().store()
                ? Mono.empty()
                : turn.stages().measure(Stage.PERSIST, appended(turn, output).then(stored));
        return persisted.then(Mono.fromSupplier(() -> {
            if (!after.ledger().unanswered().isEmpty()) {
                turn.stages().awaitClientTools();
            }
            listener.finished(turn, response, after);
            return emitter.lifecycle(type, response);
        }));
    }

    /**
     * Appends the turn's input and output to its conversation in one step, and only if nothing changed the
     * conversation since the turn read it: else a 409 {@code conversation_changed} fails the turn and appends nothing.
     * So two responses racing on one conversation never interleave their items, and each one's items follow exactly
     * the context it was generated from.
     */
    private Mono<Void> appended(Turn turn, List<ContextItem> output) {
        ConversationRecord conversation = turn.conversation();
        if (conversation == null) {
            return Mono.empty();
        }
        List<ContextItem> items = new ArrayList<>(turn.input().size() + output.size());
        items.addAll(turn.input());
        output.forEach(entry ->
                items.add(new ContextItem(ConversationRequestReader.identified(entry.item()), entry.tokens())));
        return sessions.appendToConversation(turn.tenant(), conversation.id(), conversation.version(), items)
                .then();
    }

    /**
     * The {@code response.failed} event. Its error code is one the SDKs know ({@code server_error} or
     * {@code rate_limit_exceeded}); the listener gets the full cause, e.g. for an HTTP status.
     */
    private ResponseEvent failed(Turn turn, TurnEmitter emitter, Throwable error, TurnListener listener) {
        ApiException cause;
        if (error instanceof ApiException api) {
            cause = api;
        } else {
            log.warn("Response {} failed", turn.response().id(), error);
            cause = ApiException.serverError(ErrorCodes.SERVER_ERROR, "The model failed to generate a response.");
        }
        listener.failed(turn, cause);
        String code = cause.status() == 429 ? ErrorCodes.RATE_LIMIT_EXCEEDED : ErrorCodes.SERVER_ERROR;
        Response response = turn.response()
                .finish(
                        Response.FAILED,
                        emitter.output(),
                        null,
                        new Response.ResponseError(code, cause.error().message()),
                        null,
                        clock.instant().getEpochSecond());
        return emitter.lifecycle("response.failed", response);
    }

    /** Records the finished turn's metrics and, when its caller asked, attaches its timing to the terminal event. */
    private ResponseEvent measured(Turn turn, ResponseEvent.Lifecycle terminal) {
        Usage usage = terminal.response().usage();
        TurnTiming timing = metrics.record(
                turn.stages(),
                turn.origin(),
                terminal.response().id(),
                terminal.response().status(),
                // a failed turn's input as far as it was counted: a failure counts nothing deferred
                usage != null
                        ? usage.inputTokens()
                        : turn.preambleTokens() + turn.context().countedWindowTokens(),
                usage != null ? usage.inputTokensDetails().cachedTokens() : 0,
                usage != null ? usage.outputTokens() : 0);
        return timing != null ? terminal.withTiming(ProtocolJson.mapper().valueToTree(timing)) : terminal;
    }

    /**
     * The model's view: the conversation, then what this response produced so far (a compaction, hosted calls and
     * results), from the latest compaction item on.
     */
    private ModelRequest modelRequest(Turn turn, List<Item> producedSoFar) {
        CreateRequest request = turn.request();
        List<Item> context = turn.context().items();
        if (!producedSoFar.isEmpty()) {
            context = new ArrayList<>(context);
            context.addAll(producedSoFar);
        }
        return new ModelRequest(
                turn.response().model(),
                request.instructions(),
                turn.mcp().modelContext(Compaction.window(context)),
                modelTools(turn),
                request.toolChoice(),
                request.parallelToolCalls(),
                request.maxOutputTokens(),
                request.temperature(),
                request.topP(),
                request.promptCacheKey());
    }

    private static int sum(List<ContextItem> items) {
        int total = 0;
        for (ContextItem item : items) {
            total += item.tokens();
        }
        return total;
    }
}
