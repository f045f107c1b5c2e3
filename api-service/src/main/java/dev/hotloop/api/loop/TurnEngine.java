package dev.hotloop.api.loop;

import dev.hotloop.api.context.ContextItem;
import dev.hotloop.api.context.ContextSource;
import dev.hotloop.api.context.Conversation;
import dev.hotloop.api.context.StoredConversations;
import dev.hotloop.api.limits.Grant;
import dev.hotloop.api.metrics.Stage;
import dev.hotloop.api.metrics.StageSpans;
import dev.hotloop.api.metrics.TurnMetrics;
import dev.hotloop.api.metrics.TurnTiming;
import dev.hotloop.api.metrics.TurnTrace;
import dev.hotloop.api.model.ModelCatalog;
import dev.hotloop.api.tokens.TokenCounter;
import dev.hotloop.api.tools.HostedCall;
import dev.hotloop.api.tools.ToolRunnerClient;
import dev.hotloop.protocol.error.ApiException;
import dev.hotloop.protocol.error.ErrorCodes;
import dev.hotloop.protocol.event.ResponseEvent;
import dev.hotloop.protocol.id.ResponseIds;
import dev.hotloop.protocol.item.Item;
import dev.hotloop.protocol.json.ProtocolJson;
import dev.hotloop.protocol.model.Compaction;
import dev.hotloop.protocol.model.FinishReason;
import dev.hotloop.protocol.model.ModelEvent;
import dev.hotloop.protocol.model.ModelProvider;
import dev.hotloop.protocol.model.ModelRequest;
import dev.hotloop.protocol.request.CreateRequest;
import dev.hotloop.protocol.response.CompactedResponse;
import dev.hotloop.protocol.response.Response;
import dev.hotloop.protocol.response.Usage;
import dev.hotloop.protocol.tool.HostedTool;
import dev.hotloop.protocol.tool.Tool;
import dev.hotloop.protocol.tool.ToolChoice;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

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

    private final ModelCatalog models;
    private final StoredConversations conversations;
    private final ToolRunnerClient tools;
    private final TokenCounter tokens;
    private final Clock clock;
    private final Counter cancelledStreams;
    private final TurnMetrics metrics;
    private final StageSpans spans;

    public TurnEngine(
            ModelCatalog models,
            StoredConversations conversations,
            ToolRunnerClient tools,
            TokenCounter tokens,
            Clock clock,
            MeterRegistry meters,
            TurnMetrics metrics,
            ObservationRegistry observations) {
        this.models = models;
        this.conversations = conversations;
        this.tools = tools;
        this.tokens = tokens;
        this.clock = clock;
        this.metrics = metrics;
        this.spans = new StageSpans(observations);
        this.cancelledStreams = Counter.builder("hotloop.model.streams.cancelled")
                .description("Model streams stopped because the client went away")
                .register(meters);
    }

    /** Resolves the conversation the request continues and checks the request against it. */
    public Mono<Turn> prepare(TurnOrigin origin, CreateRequest request, ContextSource source) {
        return Mono.defer(() -> {
            TurnTrace trace = new TurnTrace(origin.startedNanos());
            trace.add(Stage.DECODE, origin.decodeNanos());
            trace.add(Stage.AUTH, origin.authNanos());
            String model = models.modelFor(request.model());
            ModelProvider provider = models.provider(model);
            long tokenizing = System.nanoTime();
            return tokens.count(request.input()).flatMap(input -> {
                trace.addSince(Stage.TOKENIZE, tokenizing);
                long loading = System.nanoTime();
                return spans.mono("state_load", source.conversation(origin.tenant(), request, trace))
                        .flatMap(history -> {
                            trace.addSince(Stage.STATE_LOAD, loading);
                            long validating = System.nanoTime();
                            Conversation context = history.withInput(input);
                            trace.addSince(Stage.VALIDATE, validating);
                            String id = request.previousResponseId() == null
                                    ? ResponseIds.newChain()
                                    : ResponseIds.continuing(request.previousResponseId());
                            Response start = Response.start(
                                    id, model, request, clock.instant().getEpochSecond());
                            return tokens.preamble(request.instructions(), request.tools())
                                    .map(preamble -> new Turn(
                                            origin,
                                            request,
                                            start,
                                            provider,
                                            input,
                                            context,
                                            preamble + context.tokens(),
                                            trace));
                        });
            });
        });
    }

    /**
     * Streams the turn: {@code response.created}, {@code response.in_progress}, the output events, then one
     * terminal event ({@code completed}, {@code incomplete} or {@code failed}). Model and store failures end
     * the stream with {@code response.failed}, never with an error signal. Cancelling stops the model.
     */
    public Flux<ResponseEvent> run(Turn turn, TurnListener listener) {
        return Flux.defer(() -> {
            TurnEmitter emitter = new TurnEmitter(hostedTools(turn.request()));
            Flux<ResponseEvent> opening = Flux.just(
                    emitter.lifecycle("response.created", turn.response()),
                    emitter.lifecycle("response.in_progress", turn.response()));
            Flux<ResponseEvent> sampling = turn.request().generate() ? sample(turn, emitter, 0) : Flux.empty();
            return opening.concatWith(sampling)
                    .concatWith(Mono.defer(() -> finish(turn, emitter, listener)))
                    .onErrorResume(error -> Mono.just(failed(turn, emitter, error, listener)))
                    .map(event -> event.terminal() ? measured(turn, (ResponseEvent.Lifecycle) event) : event)
                    .doOnEach(Grant::recordUsage);
        });
    }

    /**
     * One sampling step, then, when the model called hosted tools (and {@code max_tool_calls} allows), their
     * execution and the next step: the loop continues inside one response without a client round trip.
     */
    private Flux<ResponseEvent> sample(Turn turn, TurnEmitter emitter, int hostedCallsSoFar) {
        return ModelStreamTiming.measured(
                        spans.flux(
                                "model",
                                turn.provider().stream(modelRequest(turn, emitter.output()))
                                        .doOnCancel(cancelledStreams::increment)),
                        turn.trace())
                .concatMapIterable(emitter::on)
                .concatWith(Flux.defer(() -> {
                    List<HostedCall> calls = emitter.takeHostedCalls();
                    Integer max = turn.request().maxToolCalls();
                    int allowed = max == null ? calls.size() : Math.min(calls.size(), max - hostedCallsSoFar);
                    if (allowed <= 0
                            || emitter.finish() == null
                            || emitter.finish().reason() != FinishReason.STOP) {
                        return Flux.empty();
                    }
                    return Flux.fromIterable(calls.subList(0, allowed))
                            .concatMap(call -> runHosted(turn, emitter, call))
                            .concatWith(Flux.defer(() -> sample(turn, emitter, hostedCallsSoFar + allowed)));
                }));
    }

    private Flux<ResponseEvent> runHosted(Turn turn, TurnEmitter emitter, HostedCall call) {
        long started = System.nanoTime();
        String chain = ResponseIds.chainTag(turn.response().id());
        return spans.mono("tool", tools.execute(turn.tenant(), chain, call))
                .doOnSuccess(result -> turn.trace().addSince(Stage.TOOL, started))
                .flatMapIterable(result -> emitter.hostedResult(call, result));
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
     * Compacts the turn's whole context (history and input) into one {@code compaction} item: the model
     * summarizes it with {@link Compaction#INSTRUCTIONS}, without tools. Nothing is stored.
     */
    public Mono<CompactedResponse> compact(Turn turn) {
        ModelRequest summarize = new ModelRequest(
                turn.response().model(),
                Compaction.INSTRUCTIONS,
                turn.context().items(),
                List.of(),
                ToolChoice.NONE,
                false,
                null,
                null,
                null,
                turn.request().promptCacheKey());
        StringBuilder summary = new StringBuilder();
        return turn.provider().stream(summarize)
                .doOnNext(event -> {
                    if (event instanceof ModelEvent.TextDelta delta) {
                        summary.append(delta.text());
                    }
                })
                .ofType(ModelEvent.Finish.class)
                .next()
                .map(finish -> {
                    int outputTokens =
                            finish.usage() != null ? finish.usage().outputTokens() : tokens.text(summary.toString());
                    return CompactedResponse.of(
                            ResponseIds.item("cmp"),
                            clock.instant().getEpochSecond(),
                            List.of(Compaction.item(summary.toString())),
                            Usage.of(turn.inputTokens(), 0, outputTokens));
                });
    }

    private Mono<ResponseEvent> finish(Turn turn, TurnEmitter emitter, TurnListener listener) {
        ModelEvent.Finish finish = emitter.finish();
        if (turn.request().generate() && finish == null) {
            return Mono.error(new IllegalStateException("The model ended its stream without finishing"));
        }
        return tokens.count(emitter.output()).flatMap(output -> finish(turn, emitter, listener, finish, output));
    }

    /** The terminal event of a turn whose output is counted: persisted first when the request stores. */
    private Mono<ResponseEvent> finish(
            Turn turn,
            TurnEmitter emitter,
            TurnListener listener,
            ModelEvent.@Nullable Finish finish,
            List<ContextItem> output) {
        FinishReason reason = finish == null ? FinishReason.STOP : finish.reason();
        ModelEvent.ModelUsage reported = finish == null ? null : finish.usage();
        // an upstream's own counts win; the engine's per-item count stands in where none is reported
        int inputTokens = reported != null && reported.inputTokens() > 0 ? reported.inputTokens() : turn.inputTokens();
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
        long persisting = System.nanoTime();
        Mono<Void> persisted = turn.request().store()
                ? spans.mono("persist", conversations.store(turn.tenant(), response, turn.input(), output, after))
                        .doOnSuccess(done -> turn.trace().addSince(Stage.PERSIST, persisting))
                : Mono.empty();
        return persisted.then(Mono.fromSupplier(() -> {
            listener.finished(turn, response, after);
            return emitter.lifecycle(type, response);
        }));
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
                turn.trace(),
                turn.origin().transport(),
                terminal.response().status(),
                usage != null ? usage.inputTokens() : turn.inputTokens(),
                usage != null ? usage.inputTokensDetails().cachedTokens() : 0,
                usage != null ? usage.outputTokens() : 0);
        return turn.origin().showTiming()
                ? terminal.withTiming(ProtocolJson.mapper().valueToTree(timing))
                : terminal;
    }

    /** The model's view: the conversation, then what this response produced so far (hosted calls and results). */
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
                context,
                request.tools(),
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
