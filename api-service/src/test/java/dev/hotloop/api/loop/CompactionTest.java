package dev.hotloop.api.loop;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.core.http.ResponseConnection;
import com.openai.models.responses.CompactedResponse;
import com.openai.models.responses.EasyInputMessage;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCompactParams;
import com.openai.models.responses.ResponseCompactionItem;
import com.openai.models.responses.ResponseCompactionItemParam;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseInputItem;
import com.openai.models.responses.ResponseStatus;
import com.openai.models.responses.ResponsesClientEvent;
import dev.hotloop.api.PlatformTest;
import dev.hotloop.protocol.item.Item;
import dev.hotloop.protocol.json.ProtocolJson;
import dev.hotloop.protocol.model.Compaction;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/** POST /v1/responses/compact, and a new chain started from its output over WebSocket. */
class CompactionTest extends PlatformTest {

    private OpenAIClient client;

    @BeforeEach
    void sdk() {
        client = client();
    }

    @Test
    void compactedChainStartsANewChainOverWebSocket() {
        Response response = null;
        for (String text : List.of("plan a trip to Lisbon", "add a day in Sintra", "budget is 900 euros")) {
            ResponseCreateParams.Builder params =
                    ResponseCreateParams.builder().model(MODEL).input(text);
            if (response != null) {
                params.previousResponseId(response.id());
            }
            response = client.responses().create(params.build());
        }

        CompactedResponse compacted = client.responses()
                .compact(ResponseCompactParams.builder()
                        .model(MODEL)
                        .previousResponseId(response.id())
                        .build());

        assertThat(compacted.output())
                .singleElement()
                .satisfies(item -> assertThat(item.isCompaction()).isTrue());
        ResponseCompactionItem compaction = compacted.output().getFirst().asCompaction();
        String summary = Compaction.summaryOf(Item.of((ObjectNode) ProtocolJson.mapper()
                        .readTree("{\"type\":\"compaction\",\"encrypted_content\":\"" + compaction.encryptedContent()
                                + "\"}")))
                .orElseThrow();
        assertThat(summary).contains("User: plan a trip to Lisbon", "User: budget is 900 euros", "Last answer:");
        // the whole chain was summarized: the last input and its answer
        assertThat(compacted.usage().inputTokens())
                .isGreaterThan(response.usage().orElseThrow().inputTokens()
                        + response.usage().orElseThrow().outputTokens());

        try (ResponseConnection connection = client.responses().connect()) {
            connection.send(ResponsesClientEvent.ofResponseCreate(ResponsesClientEvent.ResponseCreate.builder()
                    .model(MODEL)
                    .store(false)
                    .inputOfResponse(List.of(
                            ResponseInputItem.ofCompaction(ResponseCompactionItemParam.builder()
                                    .encryptedContent(compaction.encryptedContent())
                                    .build()),
                            ResponseInputItem.ofEasyInputMessage(EasyInputMessage.builder()
                                    .role(EasyInputMessage.Role.USER)
                                    .content("and the hotel?")
                                    .build())))
                    .build()));
            Response fresh = connection.finalResponse();
            assertThat(fresh.status()).contains(ResponseStatus.COMPLETED);
            assertThat(fresh.previousResponseId()).isEmpty();
            assertThat(outputText(fresh)).isEqualTo("You said: and the hotel?");
        }
    }

    @Test
    void compactsInputWithoutAPreviousResponse() {
        CompactedResponse compacted = client.responses()
                .compact(ResponseCompactParams.builder()
                        .model(MODEL)
                        .input("just one message")
                        .build());

        assertThat(compacted.output().getFirst().asCompaction().encryptedContent())
                .startsWith("hlc1.");
        assertThat(compacted.usage().outputTokens()).isPositive();
    }
}
