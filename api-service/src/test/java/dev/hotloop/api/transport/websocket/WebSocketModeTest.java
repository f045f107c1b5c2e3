package dev.hotloop.api.transport.websocket;

import static dev.hotloop.api.SdkTools.onlyCall;
import static dev.hotloop.api.SdkTools.output;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.openai.client.OpenAIClient;
import com.openai.core.http.ResponseConnection;
import com.openai.core.http.ResponseWebSocketOptions;
import com.openai.core.http.WebSocketWriteNotAttempted;
import com.openai.models.responses.FunctionTool;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseStatus;
import com.openai.models.responses.ResponsesClientEvent;
import com.openai.models.responses.ResponsesServerEvent;
import com.openai.models.responses.ToolChoiceOptions;
import dev.hotloop.api.PlatformTest;
import dev.hotloop.api.SdkTools;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** WebSocket mode through the official openai-java client ({@code client.responses().connect()}). */
class WebSocketModeTest extends PlatformTest {

    private static final FunctionTool SEARCH = SdkTools.function("search", "query");

    @Autowired
    private MeterRegistry meters;

    private OpenAIClient client;

    @BeforeEach
    void sdk() {
        client = client();
    }

    private static ResponsesClientEvent.ResponseCreate.Builder create() {
        return ResponsesClientEvent.ResponseCreate.builder().model(MODEL);
    }

    private static ResponsesClientEvent event(ResponsesClientEvent.ResponseCreate.Builder create) {
        return ResponsesClientEvent.ofResponseCreate(create.build());
    }

    @Test
    void thirtyTurnLoopOnOneConnectionTouchesNeitherStoreNorOldItems() {
        try (ResponseConnection connection = client.responses().connect()) {
            send(
                    connection,
                    event(create().input("Search thirty times.")
                            .addTool(SEARCH)
                            .toolChoice(ToolChoiceOptions.REQUIRED)
                            .store(false)));
            Response response = connection.finalResponse();
            double storeLoads = counter("hotloop.context.loads");
            for (int turn = 2; turn <= 30; turn++) {
                ResponseFunctionToolCall call = onlyCall(response);
                double tokenized = counter("hotloop.tokenizer.items");
                send(
                        connection,
                        event(create().previousResponseId(response.id())
                                .store(false)
                                .addTool(SEARCH)
                                .toolChoice(turn < 30 ? ToolChoiceOptions.REQUIRED : ToolChoiceOptions.AUTO)
                                .inputOfResponse(List.of(output(call.callId(), "hit-" + turn)))));
                response = connection.finalResponse();
                assertThat(response.status()).contains(ResponseStatus.COMPLETED);
                // only the new input item and the new output item were tokenized
                assertThat(counter("hotloop.tokenizer.items") - tokenized).isEqualTo(2);
            }
            assertThat(counter("hotloop.context.loads")).isEqualTo(storeLoads);
            assertThat(outputText(response)).contains("hit-30");
            // the whole history was in the context: 1 user message, 29 calls and 29 outputs
            assertThat(response.usage().orElseThrow().inputTokens()).isGreaterThan(29 * 2 * 4);
        }
    }

    @Test
    void storedResponseContinuesOnANewConnection() {
        String id;
        try (ResponseConnection first = client.responses().connect()) {
            first.send(event(create().input("remember: kiwi")));
            id = first.finalResponse().id();
        }
        double storeLoads = counter("hotloop.context.loads");
        double keptByReplica = meters.find("hotloop.cache.requests")
                .tag("tier", "replica")
                .counter()
                .count();
        try (ResponseConnection second = client.responses().connect()) {
            second.send(event(create().previousResponseId(id).input("what did I say?")));
            Response response = second.finalResponse();
            assertThat(response.status()).contains(ResponseStatus.COMPLETED);
            assertThat(response.previousResponseId()).contains(id);
        }
        // the replica that stored it kept it: the new connection only checks that it still exists
        assertThat(counter("hotloop.context.loads")).isEqualTo(storeLoads);
        assertThat(meters.find("hotloop.cache.requests")
                        .tag("tier", "replica")
                        .counter()
                        .count())
                .isEqualTo(keptByReplica + 1);
        assertThat(client.responses().retrieve(id).id()).isEqualTo(id);
    }

    @Test
    void storeFalseStateNeverLeavesItsConnection() {
        String id;
        try (ResponseConnection first = client.responses().connect()) {
            first.send(event(create().input("ephemeral").store(false)));
            id = first.finalResponse().id();
        }
        try (ResponseConnection second = client.responses().connect()) {
            second.send(event(create().previousResponseId(id).input("continue").store(false)));
            ResponsesServerEvent.ResponseWsError error = nextError(second);
            assertThat(error.status()).contains(400L);
            assertThat(error.error().code()).contains("previous_response_not_found");
            assertThat(error.error().param()).contains("previous_response_id");
        }
    }

    @Test
    void failedTurnEvictsTheResponseItReferenced() {
        try (ResponseConnection connection = client.responses().connect()) {
            send(connection, event(create().input("start").store(false)));
            String id = connection.finalResponse().id();

            send(
                    connection,
                    event(create().previousResponseId(id)
                            .store(false)
                            .inputOfResponse(List.of(output("call_unknown", "x")))));
            assertThat(nextError(connection).error().param()).contains("input[0].call_id");

            send(
                    connection,
                    event(create().previousResponseId(id).input("again").store(false)));
            assertThat(nextError(connection).error().code()).contains("previous_response_not_found");
        }
    }

    @Test
    void concurrentCreatesQueueAndRunInOrder() {
        try (ResponseConnection connection = client.responses()
                .connect(ResponseWebSocketOptions.builder().maxPendingSends(8).build())) {
            for (int i = 0; i < 3; i++) {
                send(connection, event(create().input("queued " + i).store(false)));
            }
            List<String> order = new ArrayList<>();
            int completed = 0;
            while (completed < 3) {
                ResponsesServerEvent event = connection.receive();
                if (event.isResponseCreated()) {
                    order.add("created");
                } else if (event.isResponseCompleted()) {
                    order.add("completed:"
                            + outputText(event.asResponseCompleted().response()));
                    completed++;
                }
            }
            assertThat(order)
                    .containsExactly(
                            "created",
                            "completed:You said: queued 0",
                            "created",
                            "completed:You said: queued 1",
                            "created",
                            "completed:You said: queued 2");
        }
    }

    @Test
    void lanesRunSideBySideEachInOrder() throws Exception {
        try (ResponseConnection connection = client.responses().connect();
                ResponseConnection.Lane left = connection.lane("left");
                ResponseConnection.Lane right = connection.lane("right")) {
            CompletableFuture<List<String>> leftTexts = CompletableFuture.supplyAsync(() -> chat(left, "L"));
            CompletableFuture<List<String>> rightTexts = CompletableFuture.supplyAsync(() -> chat(right, "R"));

            assertThat(leftTexts.get()).containsExactly("You said: L1", "You said: L2", "You said: L3");
            assertThat(rightTexts.get()).containsExactly("You said: R1", "You said: R2", "You said: R3");
        }
    }

    @Test
    void warmUpReturnsAnEmptyResponseToChainFrom() {
        try (ResponseConnection connection = client.responses().connect()) {
            send(
                    connection,
                    event(create().input("You are terse.")
                            .addTool(SEARCH)
                            .generate(false)
                            .store(false)));
            Response warm = connection.finalResponse();
            assertThat(warm.output()).isEmpty();
            assertThat(warm.usage().orElseThrow().outputTokens()).isZero();

            send(
                    connection,
                    event(create().previousResponseId(warm.id())
                            .input("hello")
                            .store(false)
                            .toolChoice(ToolChoiceOptions.NONE)
                            .addTool(SEARCH)));
            Response next = connection.finalResponse();
            assertThat(outputText(next)).isEqualTo("You said: hello");
            assertThat(next.usage().orElseThrow().inputTokens())
                    .isGreaterThan(warm.usage().orElseThrow().inputTokens());
        }
    }

    private List<String> chat(ResponseConnection.Lane lane, String prefix) {
        List<String> texts = new ArrayList<>();
        String previous = null;
        for (int i = 1; i <= 3; i++) {
            var create = create().input(prefix + i).store(false);
            if (previous != null) {
                create.previousResponseId(previous);
            }
            send(lane, event(create));
            Response response = lane.finalResponse();
            previous = response.id();
            texts.add(outputText(response));
        }
        return texts;
    }

    /** Sends, waiting while the SDK reports its single-frame send buffer busy ("not queued": safe to retry). */
    private static void send(ResponseConnection connection, ResponsesClientEvent event) {
        await().atMost(Duration.ofSeconds(5)).until(() -> sent(() -> connection.send(event)));
    }

    private static void send(ResponseConnection.Lane lane, ResponsesClientEvent event) {
        await().atMost(Duration.ofSeconds(5)).until(() -> sent(() -> lane.send(event)));
    }

    private static boolean sent(Runnable send) {
        try {
            send.run();
            return true;
        } catch (WebSocketWriteNotAttempted.Busy busy) {
            return false;
        }
    }

    private static ResponsesServerEvent.ResponseWsError nextError(ResponseConnection connection) {
        ResponsesServerEvent event = connection.receive();
        while (!event.isError()) {
            event = connection.receive();
        }
        return event.asError();
    }

    private double counter(String name) {
        return meters.find(name).counters().stream().mapToDouble(c -> c.count()).sum();
    }
}
