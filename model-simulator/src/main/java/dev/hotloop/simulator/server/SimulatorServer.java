package dev.hotloop.simulator.server;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import dev.hotloop.protocol.error.ApiException;
import dev.hotloop.protocol.error.ErrorCodes;
import dev.hotloop.protocol.event.ResponseEvent;
import dev.hotloop.protocol.id.ResponseIds;
import dev.hotloop.protocol.item.Item;
import dev.hotloop.protocol.json.ProtocolJson;
import dev.hotloop.protocol.model.ModelEvent;
import dev.hotloop.protocol.model.ModelRequest;
import dev.hotloop.protocol.request.CreateRequest;
import dev.hotloop.protocol.request.CreateRequestReader;
import dev.hotloop.protocol.response.Response;
import dev.hotloop.simulator.SimulatedModel;
import dev.hotloop.simulator.SimulatorSettings;
import dev.hotloop.simulator.scenario.Scenario;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.NettyOutbound;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The simulated model as a standalone OpenAI-compatible server, so that providers are tested over real sockets and
 * benchmarks can run the model in its own process: {@code POST /v1/chat/completions} (streamed or not),
 * {@code POST /v1/responses} (streamed or not; a response with {@code store} left true can be continued with
 * {@code previous_response_id} while it is among the last 10,000) and {@code GET /v1/models}. Same scenarios,
 * time to first token and tokens per second as the embedded simulator; any model name is answered and no key is
 * checked. Usage reports prompt tokens and, from a simulated prefix cache ({@link PromptCache}), cached tokens.
 *
 * <p>A client that disconnects mid-stream cancels the model at once; {@link #cancelledStreams()} counts those.
 */
public final class SimulatorServer implements AutoCloseable {

    private static final int STORED_RESPONSES = 10_000;
    private static final int RECENT_BODIES = 100;
    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8);

    private final SimulatedModel model;
    private final PromptCache promptCache;
    private final List<String> models;
    private final Map<String, List<Item>> stored = Collections.synchronizedMap(new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, List<Item>> eldest) {
            return size() > STORED_RESPONSES;
        }
    });
    private final ConcurrentLinkedDeque<JsonNode> recentBodies = new ConcurrentLinkedDeque<>();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong cancelledStreams = new AtomicLong();
    private final DisposableServer server;

    private SimulatorServer(SimulatorSettings settings, Encoding encoding, String host, int port, List<String> models) {
        this.model = new SimulatedModel(settings, encoding);
        this.promptCache = new PromptCache(encoding, 100_000);
        this.models = List.copyOf(models);
        this.server = HttpServer.create()
                .host(host)
                .port(port)
                .route(routes -> routes.post("/v1/chat/completions", this::chatCompletions)
                        .post("/v1/responses", this::responses)
                        .get("/v1/models", (request, response) -> json(response, HttpResponseStatus.OK, modelList())))
                .bindNow(Duration.ofSeconds(10));
    }

    /** Starts a server on {@code host:port} (port 0: a free one) and returns once it listens. */
    public static SimulatorServer start(SimulatorSettings settings, String host, int port, List<String> models) {
        return new SimulatorServer(settings, O200kBase.ENCODING, host, port, models);
    }

    /** A loopback server on a free port listing {@code hotloop-sim}: for tests. */
    public static SimulatorServer start(SimulatorSettings settings) {
        return start(settings, "127.0.0.1", 0, List.of("hotloop-sim"));
    }

    public int port() {
        return server.port();
    }

    /** The OpenAI-style base URL, {@code http://host:port/v1}. */
    public String baseUrl() {
        return "http://" + server.host() + ":" + server.port() + "/v1";
    }

    /** Requests served so far, of every endpoint. */
    public long requests() {
        return requests.get();
    }

    /** Streams the client abandoned before their end (the model was cancelled with them). */
    public long cancelledStreams() {
        return cancelledStreams.get();
    }

    /** The JSON bodies of the last 100 model requests, oldest first. */
    public List<JsonNode> recentBodies() {
        return new ArrayList<>(recentBodies);
    }

    @Override
    public void close() {
        server.disposeNow(Duration.ofSeconds(5));
    }

    private Publisher<Void> chatCompletions(HttpServerRequest request, HttpServerResponse response) {
        return body(request)
                .flatMap(body -> {
                    ChatCompletions.Call call = ChatCompletions.parse(body);
                    PromptCache.Prompt prompt = promptCache.admit(call.segments());
                    ChatCompletions.Chunks chunks =
                            new ChatCompletions.Chunks(call.request().model());
                    Flux<ModelEvent> events = model.stream(call.request());
                    if (!call.stream()) {
                        return events.collectList()
                                .flatMap(all -> json(
                                                response,
                                                HttpResponseStatus.OK,
                                                chunks.completion(all, prompt.tokens(), prompt.cachedTokens()))
                                        .then());
                    }
                    Flux<byte[]> frames = Flux.concat(
                            Mono.fromSupplier(() -> data(chunks.role())),
                            events.concatMap(event -> {
                                Flux<byte[]> frame = Flux.just(data(chunks.on(event)));
                                if (event instanceof ModelEvent.Finish finish && call.includeUsage()) {
                                    int output = finish.usage() == null
                                            ? 0
                                            : finish.usage().outputTokens();
                                    frame = frame.concatWithValues(
                                            data(chunks.usage(prompt.tokens(), prompt.cachedTokens(), output)));
                                }
                                return frame;
                            }),
                            Mono.just(DONE));
                    return sse(response, frames).then();
                })
                .onErrorResume(error -> failure(response, error))
                .then();
    }

    private Publisher<Void> responses(HttpServerRequest request, HttpServerResponse response) {
        return body(request)
                .flatMap(body -> {
                    CreateRequest create = CreateRequestReader.read(body);
                    List<Item> context = new ArrayList<>();
                    if (create.previousResponseId() != null) {
                        List<Item> previous = stored.get(create.previousResponseId());
                        if (previous == null) {
                            throw ApiException.previousResponseNotFound(create.previousResponseId());
                        }
                        context.addAll(previous);
                    }
                    context.addAll(create.input());
                    String modelName = create.model() == null ? "hotloop-sim" : create.model();
                    ModelRequest modelRequest = new ModelRequest(
                            modelName,
                            create.instructions(),
                            context,
                            create.tools(),
                            create.toolChoice(),
                            create.parallelToolCalls(),
                            create.maxOutputTokens(),
                            create.temperature(),
                            create.topP(),
                            create.promptCacheKey());
                    PromptCache.Prompt prompt = promptCache.admit(segments(modelName, create, context));
                    String id = create.previousResponseId() == null
                            ? ResponseIds.newChain()
                            : ResponseIds.continuing(create.previousResponseId());
                    ResponsesStream stream = new ResponsesStream(
                            Response.start(id, modelName, create, System.currentTimeMillis() / 1000));
                    Flux<ResponseEvent> events = Flux.fromIterable(stream.opening())
                            .concatWith(model.stream(modelRequest)
                                    .concatMapIterable(
                                            event -> stream.on(event, prompt.tokens(), prompt.cachedTokens())))
                            .doOnComplete(() -> {
                                if (create.store()) {
                                    List<Item> all = new ArrayList<>(context);
                                    all.addAll(stream.output());
                                    stored.put(id, List.copyOf(all));
                                }
                            });
                    if (!create.stream()) {
                        return events.last()
                                .flatMap(last -> json(
                                                response,
                                                HttpResponseStatus.OK,
                                                ((ResponseEvent.Lifecycle) last).response())
                                        .then());
                    }
                    return sse(
                                    response,
                                    events.map(event -> ("event: " + event.type() + "\ndata: "
                                                    + ProtocolJson.mapper().writeValueAsString(event) + "\n\n")
                                            .getBytes(StandardCharsets.UTF_8)))
                            .then();
                })
                .onErrorResume(error -> failure(response, error))
                .then();
    }

    /** Prompt cache segments: instructions and tools, then each context item as sent, without its (generated) id. */
    private static List<String> segments(String model, CreateRequest create, List<Item> context) {
        List<String> segments = new ArrayList<>(context.size() + 1);
        segments.add(model + create.instructions() + ProtocolJson.mapper().writeValueAsString(create.tools()));
        for (Item item : context) {
            ObjectNode json = item.json().deepCopy();
            json.remove("id");
            segments.add(json.toString());
        }
        return segments;
    }

    private Mono<byte[]> bodyBytes(HttpServerRequest request) {
        return request.receive().aggregate().asByteArray().defaultIfEmpty(new byte[0]);
    }

    private Mono<JsonNode> body(HttpServerRequest request) {
        return bodyBytes(request).map(bytes -> {
            requests.incrementAndGet();
            JsonNode json;
            try {
                json = ProtocolJson.mapper().readTree(bytes);
            } catch (JacksonException e) {
                throw ApiException.invalidRequest(
                        null, ErrorCodes.INVALID_JSON, "We could not parse the JSON body of your request.");
            }
            if (json == null || json.isMissingNode()) {
                throw ApiException.invalidRequest(null, ErrorCodes.INVALID_JSON, "The request body is empty.");
            }
            recentBodies.addLast(json);
            while (recentBodies.size() > RECENT_BODIES) {
                recentBodies.pollFirst();
            }
            return json;
        });
    }

    private NettyOutbound sse(HttpServerResponse response, Flux<byte[]> frames) {
        Flux<ByteBuf> buffers = frames.doOnCancel(cancelledStreams::incrementAndGet)
                .map(bytes -> ByteBufAllocator.DEFAULT.buffer(bytes.length).writeBytes(bytes));
        // flush every frame: a token must reach the client when it is produced, not when a buffer fills
        return response.status(HttpResponseStatus.OK)
                .header("content-type", "text/event-stream")
                .header("cache-control", "no-cache")
                .send(buffers, buffer -> true);
    }

    private Mono<Void> json(HttpServerResponse response, HttpResponseStatus status, Object body) {
        return response.status(status)
                .header("content-type", "application/json")
                .sendByteArray(Mono.just(ProtocolJson.mapper().writeValueAsBytes(body)))
                .then();
    }

    private Mono<Void> failure(HttpServerResponse response, Throwable error) {
        ApiException api = error instanceof ApiException known
                ? known
                : ApiException.serverError(ErrorCodes.SERVER_ERROR, "The simulator failed: " + error);
        return json(
                response, HttpResponseStatus.valueOf(api.status()), api.error().asBody());
    }

    private ObjectNode modelList() {
        ObjectNode list = ProtocolJson.nodes().objectNode().put("object", "list");
        ArrayNode data = list.withArray("data");
        models.forEach(name -> data.add(ProtocolJson.nodes()
                .objectNode()
                .put("id", name)
                .put("object", "model")
                .put("created", 0)
                .put("owned_by", "hotloop-simulator")));
        return list;
    }

    private static byte[] data(JsonNode chunk) {
        return ("data: " + chunk + "\n\n").getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Runs the server until the process ends. Options: {@code --host=127.0.0.1 --port=8000 --ttft=100ms
     * --tokens-per-second=500 --scenario=path.yaml --models=hotloop-sim,…}.
     */
    public static void main(String[] args) throws InterruptedException {
        ServerOptions options = ServerOptions.parse(args);
        Scenario scenario = options.scenario() == null ? Scenario.empty() : Scenario.load(options.scenario());
        SimulatorServer server = start(
                new SimulatorSettings(options.ttft(), options.tokensPerSecond(), scenario),
                options.host(),
                options.port(),
                options.models());
        System.out.println("hotloop simulator serving " + options.models() + " on " + server.baseUrl()
                + " (ttft " + options.ttft().toMillis() + " ms, " + options.tokensPerSecond() + " tokens/s"
                + (options.scenario() == null ? "" : ", scenario " + options.scenario()) + ")");
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "simulator-shutdown"));
        server.server.onDispose().block();
    }

    // loaded once per process (~0.3 s), and only when a server starts
    private static final class O200kBase {
        static final Encoding ENCODING = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.O200K_BASE);
    }

    /** Command-line options of {@link #main}. */
    record ServerOptions(
            String host,
            int port,
            Duration ttft,
            double tokensPerSecond,
            @Nullable Path scenario,
            List<String> models) {

        static ServerOptions parse(String... args) {
            Map<String, String> values = new LinkedHashMap<>(Map.of(
                    "host",
                    "127.0.0.1",
                    "port",
                    "8000",
                    "ttft",
                    "100ms",
                    "tokens-per-second",
                    "500",
                    "models",
                    "hotloop-sim"));
            for (String arg : args) {
                int equals = arg.indexOf('=');
                String name = arg.startsWith("--") && equals > 2 ? arg.substring(2, equals) : null;
                if (name == null || (!values.containsKey(name) && !"scenario".equals(name))) {
                    throw new IllegalArgumentException(
                            "Unknown option '" + arg + "': expected --host=, --port=, --ttft=, "
                                    + "--tokens-per-second=, --scenario= or --models=");
                }
                values.put(name, arg.substring(equals + 1));
            }
            String scenario = values.get("scenario");
            return new ServerOptions(
                    option(values, "host"),
                    Integer.parseInt(option(values, "port")),
                    duration(option(values, "ttft")),
                    Double.parseDouble(option(values, "tokens-per-second")),
                    scenario == null ? null : Path.of(scenario),
                    List.of(option(values, "models").split(",")));
        }

        // every option but --scenario has a default in the map
        private static String option(Map<String, String> values, String name) {
            return Objects.requireNonNull(values.get(name));
        }

        /** {@code 250ms}, {@code 2s}, {@code 1m}, or ISO-8601 ({@code PT0.25S}). */
        static Duration duration(String text) {
            if (text.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
            }
            if (text.endsWith("s") && !text.startsWith("P")) {
                return Duration.ofMillis(Math.round(Double.parseDouble(text.substring(0, text.length() - 1)) * 1000));
            }
            if (text.endsWith("m") && !text.startsWith("P")) {
                return Duration.ofMinutes(Long.parseLong(text.substring(0, text.length() - 1)));
            }
            return Duration.parse(text);
        }
    }
}
