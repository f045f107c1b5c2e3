package dev.hotloop.benchmarks.rollout;

import dev.hotloop.protocol.json.ProtocolJson;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Replays a function-calling rollout as a user's agent would, in one {@link Mode}: every request streamed, the model
 * always asked for a call ({@code tool_choice: required}), the client answering each call with a tool output. Turn
 * latency is from sending the request to the last byte of its response (the terminal event over WebSocket).
 */
final class RolloutClient {

    private static final AtomicLong ROLLOUTS = new AtomicLong();

    private static final String TOOL_NAME = "lookup";
    private static final String PARAMETERS = "{\"type\":\"object\",\"properties\":{\"q\":{\"type\":\"string\"}}}";

    private final HttpClient http = HttpClient.newHttpClient();
    private final String apiBase;
    private final String apiKey;
    private final String modelBase;

    /**
     * @param apiBase   hotloop's base URL ({@code http://host:port/v1})
     * @param modelBase the upstream model server's base URL, for the floor
     */
    RolloutClient(String apiBase, String apiKey, String modelBase) {
        this.apiBase = apiBase;
        this.apiKey = apiKey;
        this.modelBase = modelBase;
    }

    /** Runs one rollout of {@code spec} in {@code mode}, asking for {@code model}; returns its turns in order. */
    List<Turn> run(Mode mode, RolloutSpec spec, String model) throws Exception {
        // texts no earlier rollout had, as a new agent's are: nothing the platform remembers by content helps it
        long rollout = ROLLOUTS.incrementAndGet();
        return switch (mode) {
            case FLOOR -> floor(spec, rollout, model);
            case HTTP_STATELESS -> httpStateless(spec, rollout, model);
            case HTTP_PREVIOUS -> httpPrevious(spec, rollout, model);
            case WEBSOCKET_STATELESS -> webSocket(spec, rollout, model, false);
            case WEBSOCKET_STORE -> webSocket(spec, rollout, model, true);
        };
    }

    /** The history of {@code spec}, every message marked with the rollout. */
    private static ArrayNode history(RolloutSpec spec, long rollout) {
        ArrayNode history = SyntheticText.history(spec.historyTokens());
        for (JsonNode message : history) {
            ((ObjectNode) message)
                    .put("content", "r" + rollout + message.path("content").asString());
        }
        return history;
    }

    private List<Turn> floor(RolloutSpec spec, long rollout, String model) throws Exception {
        ArrayNode messages = ProtocolJson.nodes().arrayNode();
        history(spec, rollout).forEach(messages::add);
        ObjectNode tool = ProtocolJson.nodes().objectNode().put("type", "function");
        tool.putObject("function")
                .put("name", TOOL_NAME)
                .set("parameters", ProtocolJson.mapper().readTree(PARAMETERS));
        List<Turn> turns = new ArrayList<>();
        for (int turn = 0; turn < spec.turns(); turn++) {
            ObjectNode body = ProtocolJson.nodes()
                    .objectNode()
                    .put("model", model)
                    .put("stream", true)
                    .put("tool_choice", "required");
            body.set("messages", messages);
            body.putArray("tools").add(tool);
            Exchange exchange = post(modelBase + "/chat/completions", body);
            turns.add(exchange.turn());
            ObjectNode call = chatToolCall(exchange.body());
            ObjectNode assistant = messages.addObject().put("role", "assistant");
            assistant.putNull("content");
            assistant.putArray("tool_calls").add(call);
            pauseForTool(spec);
            messages.addObject()
                    .put("role", "tool")
                    .put("tool_call_id", call.path("id").asString())
                    .put("content", toolOutput(spec, rollout, turn));
        }
        return turns;
    }

    private List<Turn> httpStateless(RolloutSpec spec, long rollout, String model) throws Exception {
        ArrayNode input = history(spec, rollout);
        List<Turn> turns = new ArrayList<>();
        for (int turn = 0; turn < spec.turns(); turn++) {
            ObjectNode body = request(model, false, input);
            Exchange exchange = post(apiBase + "/responses", body);
            turns.add(exchange.turn());
            JsonNode call = functionCall(completedResponse(exchange.body()));
            input.addObject()
                    .put("type", "function_call")
                    .put("call_id", call.path("call_id").asString())
                    .put("name", call.path("name").asString())
                    .put("arguments", call.path("arguments").asString());
            pauseForTool(spec);
            input.add(output(call, spec, rollout, turn));
        }
        return turns;
    }

    private List<Turn> httpPrevious(RolloutSpec spec, long rollout, String model) throws Exception {
        ArrayNode input = history(spec, rollout);
        List<Turn> turns = new ArrayList<>();
        String previous = null;
        for (int turn = 0; turn < spec.turns(); turn++) {
            ObjectNode body = request(model, true, input);
            if (previous != null) {
                body.put("previous_response_id", previous);
            }
            Exchange exchange = post(apiBase + "/responses", body);
            turns.add(exchange.turn());
            JsonNode response = completedResponse(exchange.body());
            previous = response.path("id").asString();
            pauseForTool(spec);
            input = ProtocolJson.nodes().arrayNode().add(output(functionCall(response), spec, rollout, turn));
        }
        return turns;
    }

    private List<Turn> webSocket(RolloutSpec spec, long rollout, String model, boolean store) throws Exception {
        Frames frames = new Frames();
        WebSocket socket = http.newWebSocketBuilder()
                .header("Authorization", "Bearer " + apiKey)
                .buildAsync(URI.create(apiBase.replaceFirst("^http", "ws") + "/responses"), frames)
                .join();
        try {
            ArrayNode input = history(spec, rollout);
            List<Turn> turns = new ArrayList<>();
            String previous = null;
            for (int turn = 0; turn < spec.turns(); turn++) {
                ObjectNode body = request(model, store, input).put("type", "response.create");
                body.remove("stream");
                if (previous != null) {
                    body.put("previous_response_id", previous);
                }
                String text = body.toString();
                CompletableFuture<JsonNode> terminal = frames.next();
                long started = System.nanoTime();
                socket.sendText(text, true).join();
                JsonNode event = terminal.get(120, TimeUnit.SECONDS);
                turns.add(new Turn(
                        System.nanoTime() - started,
                        text.getBytes(StandardCharsets.UTF_8).length,
                        frames.takeReceivedBytes()));
                if (!"response.completed".equals(event.path("type").asString())) {
                    throw new IllegalStateException("Turn " + turn + " did not complete: " + event);
                }
                JsonNode response = event.path("response");
                previous = response.path("id").asString();
                pauseForTool(spec);
                input = ProtocolJson.nodes().arrayNode().add(output(functionCall(response), spec, rollout, turn));
            }
            return turns;
        } finally {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();
        }
    }

    private static ObjectNode request(String model, boolean store, ArrayNode input) throws Exception {
        ObjectNode body = ProtocolJson.nodes()
                .objectNode()
                .put("model", model)
                .put("stream", true)
                .put("store", store)
                .put("tool_choice", "required");
        body.set("input", input);
        body.putArray("tools")
                .addObject()
                .put("type", "function")
                .put("name", TOOL_NAME)
                .set("parameters", ProtocolJson.mapper().readTree(PARAMETERS));
        return body;
    }

    private static ObjectNode output(JsonNode call, RolloutSpec spec, long rollout, int turn) {
        return ProtocolJson.nodes()
                .objectNode()
                .put("type", "function_call_output")
                .put("call_id", call.path("call_id").asString())
                .put("output", toolOutput(spec, rollout, turn));
    }

    private static JsonNode functionCall(JsonNode response) {
        for (JsonNode item : response.path("output")) {
            if ("function_call".equals(item.path("type").asString())) {
                return item;
            }
        }
        throw new IllegalStateException("No function call in " + response);
    }

    /** The {@code response} of the stream's {@code response.completed} event. */
    private static JsonNode completedResponse(String stream) {
        for (String data : data(stream)) {
            if (data.contains("\"type\":\"response.completed\"")) {
                return ProtocolJson.mapper().readTree(data).path("response");
            }
        }
        throw new IllegalStateException("No response.completed in " + stream);
    }

    /** The tool call a chat completions stream made, assembled from its deltas, as an assistant message holds it. */
    private static ObjectNode chatToolCall(String stream) {
        String id = null;
        String name = null;
        StringBuilder arguments = new StringBuilder();
        for (String data : data(stream)) {
            if (!data.startsWith("{")) {
                continue; // [DONE]
            }
            for (JsonNode delta : ProtocolJson.mapper().readTree(data).at("/choices/0/delta/tool_calls")) {
                id = delta.hasNonNull("id") ? delta.path("id").asString() : id;
                JsonNode function = delta.path("function");
                name = function.hasNonNull("name") ? function.path("name").asString() : name;
                arguments.append(function.path("arguments").asString(""));
            }
        }
        if (id == null) {
            throw new IllegalStateException("No tool call in " + stream);
        }
        ObjectNode call = ProtocolJson.nodes().objectNode().put("id", id).put("type", "function");
        call.putObject("function").put("name", name).put("arguments", arguments.toString());
        return call;
    }

    /** The data of each server-sent event ({@code data:} with or without a space). */
    private static List<String> data(String stream) {
        return stream.lines()
                .filter(line -> line.startsWith("data:"))
                .map(line -> line.substring(5).strip())
                .toList();
    }

    private Exchange post(String url, ObjectNode body) throws Exception {
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + apiKey)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
                .build();
        long started = System.nanoTime();
        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        long latency = System.nanoTime() - started;
        String text = new String(response.body(), StandardCharsets.UTF_8);
        if (response.statusCode() != 200) {
            throw new IllegalStateException("HTTP " + response.statusCode() + " from " + url + ": " + text);
        }
        return new Exchange(new Turn(latency, bytes.length, response.body().length), text);
    }

    private static void pauseForTool(RolloutSpec spec) throws InterruptedException {
        TimeUnit.NANOSECONDS.sleep(spec.toolTime().toNanos());
    }

    private static String toolOutput(RolloutSpec spec, long rollout, int turn) {
        return "r" + rollout + SyntheticText.words(turn + 7919, spec.toolOutputTokens());
    }

    private record Exchange(Turn turn, String body) {}

    /** Counts the bytes of every frame and completes the pending future with each response's terminal frame. */
    private static final class Frames implements WebSocket.Listener {

        private final StringBuilder frame = new StringBuilder();
        private volatile CompletableFuture<JsonNode> pending;
        private long receivedBytes;

        synchronized CompletableFuture<JsonNode> next() {
            pending = new CompletableFuture<>();
            return pending;
        }

        synchronized long takeReceivedBytes() {
            long bytes = receivedBytes;
            receivedBytes = 0;
            return bytes;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            frame.append(data);
            if (last) {
                String text = frame.toString();
                frame.setLength(0);
                synchronized (this) {
                    receivedBytes += text.getBytes(StandardCharsets.UTF_8).length;
                }
                if (text.startsWith("{\"type\":\"response.completed\"")
                        || text.startsWith("{\"type\":\"response.failed\"")
                        || text.startsWith("{\"type\":\"error\"")) {
                    pending.complete(ProtocolJson.mapper().readTree(text));
                }
            }
            webSocket.request(1);
            return null;
        }
    }
}
