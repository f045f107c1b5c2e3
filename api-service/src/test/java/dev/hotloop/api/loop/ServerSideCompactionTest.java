package dev.hotloop.api.loop;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.core.http.ResponseConnection;
import com.openai.core.http.StreamResponse;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCompactionItem;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseOutputItem;
import com.openai.models.responses.ResponseStatus;
import com.openai.models.responses.ResponseStreamEvent;
import com.openai.models.responses.ResponsesClientEvent;
import dev.hotloop.api.PlatformTest;
import dev.hotloop.protocol.item.Item;
import dev.hotloop.protocol.json.ProtocolJson;
import dev.hotloop.protocol.model.Compaction;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/** {@code context_management} compaction: past the threshold a response compacts first, on every transport. */
class ServerSideCompactionTest extends PlatformTest {

    private static final long THRESHOLD = 1000;
    /** About 1,500 tokens: past the threshold on its own. */
    private static final String LONG = "lisbon ".repeat(1_500);

    private OpenAIClient client;

    @BeforeEach
    void sdk() {
        client = client();
    }

    private static ResponseCreateParams.Builder compacting(String input) {
        return ResponseCreateParams.builder()
                .model(MODEL)
                .input(input)
                .addContextManagement(ResponseCreateParams.ContextManagement.builder()
                        .type("compaction")
                        .compactThreshold(THRESHOLD)
                        .build());
    }

    @Test
    void pastTheThresholdTheResponseCompactsFirstAndLaterTurnsStartFromTheCompaction() {
        Response first = client.responses().create(compacting(LONG).build());

        assertThat(first.status()).contains(ResponseStatus.COMPLETED);
        assertThat(first.output()).hasSize(2);
        assertThat(summary(first.output().getFirst()))
                .startsWith("Summary of 1 items.")
                .contains("User: lisbon");
        assertThat(first.output().get(1).isMessage()).isTrue();

        Response second = client.responses()
                .create(compacting("and the hotel?")
                        .previousResponseId(first.id())
                        .build());

        // the long input is behind the compaction: not sent again, so not over the threshold again
        assertThat(second.output()).noneMatch(ResponseOutputItem::isCompaction);
        assertThat(second.usage().orElseThrow().inputTokens()).isLessThan(THRESHOLD);
    }

    @Test
    void underTheThresholdNothingIsCompacted() {
        Response response =
                client.responses().create(compacting("a short question").build());

        assertThat(response.output())
                .singleElement()
                .satisfies(item -> assertThat(item.isMessage()).isTrue());
    }

    @Test
    void aStreamEmitsTheCompactionAsTheFirstOutputItem() {
        List<String> added = new ArrayList<>();
        Response completed = null;
        try (StreamResponse<ResponseStreamEvent> stream =
                client.responses().createStreaming(compacting(LONG).build())) {
            for (ResponseStreamEvent event : (Iterable<ResponseStreamEvent>) stream.stream()::iterator) {
                event.outputItemAdded()
                        .ifPresent(item -> added.add(
                                item.outputIndex() + ":" + (item.item().isCompaction() ? "compaction" : "other")));
                if (event.isCompleted()) {
                    completed = event.asCompleted().response();
                }
            }
        }

        assertThat(added).containsExactly("0:compaction", "1:other");
        assertThat(completed).isNotNull();
        assertThat(completed.output().getFirst().isCompaction()).isTrue();
    }

    @Test
    void overWebSocketWithStoreFalseTheConnectionContinuesFromTheCompaction() {
        try (ResponseConnection connection = client.responses().connect()) {
            connection.send(create(LONG, null));
            Response first = connection.finalResponse();
            assertThat(first.output().getFirst().isCompaction()).isTrue();

            connection.send(create("and the hotel?", first.id()));
            Response second = connection.finalResponse();

            assertThat(second.status()).contains(ResponseStatus.COMPLETED);
            assertThat(second.output()).noneMatch(ResponseOutputItem::isCompaction);
            assertThat(second.usage().orElseThrow().inputTokens()).isLessThan(THRESHOLD);
        }
    }

    private static ResponsesClientEvent create(String input, String previous) {
        ResponsesClientEvent.ResponseCreate.Builder create = ResponsesClientEvent.ResponseCreate.builder()
                .model(MODEL)
                .store(false)
                .input(input)
                .contextManagement(List.of(ResponsesClientEvent.ResponseCreate.ContextManagement.builder()
                        .type("compaction")
                        .compactThreshold(THRESHOLD)
                        .build()));
        if (previous != null) {
            create.previousResponseId(previous);
        }
        return ResponsesClientEvent.ofResponseCreate(create.build());
    }

    /** The summary a hotloop compaction item carries. */
    private static String summary(ResponseOutputItem item) {
        ResponseCompactionItem compaction = item.asCompaction();
        ObjectNode json = ProtocolJson.nodes()
                .objectNode()
                .put("type", "compaction")
                .put("encrypted_content", compaction.encryptedContent());
        return Compaction.summaryOf(Item.of(json)).orElseThrow();
    }
}
