package dev.hotloop.api.transport.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.core.ObjectMappers;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.models.Model;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseItem;
import com.openai.models.responses.ResponseStatus;
import com.openai.models.responses.ResponseStreamEvent;
import com.openai.models.responses.inputitems.InputItemListPage;
import com.openai.models.responses.inputitems.InputItemListParams;
import dev.hotloop.api.PlatformTest;
import dev.hotloop.api.session.SessionClient;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** The Responses API through the official openai-java client over real HTTP. */
class ResponsesApiTest extends PlatformTest {

    @Autowired
    private MeterRegistry meters;

    @Autowired
    private SessionClient sessions;

    private OpenAIClient client;

    @BeforeEach
    void sdk() {
        client = client();
    }

    private ResponseCreateParams.Builder ask(String text) {
        return ResponseCreateParams.builder().model(MODEL).input(text);
    }

    @Test
    void createReturnsCompletedResponseWithTextAndUsage() {
        Response response = client.responses().create(ask("hello there").build());

        assertThat(response.id()).startsWith("resp_");
        assertThat(response.status()).contains(ResponseStatus.COMPLETED);
        assertThat(outputText(response)).contains("hello there");
        assertThat(response.usage()).hasValueSatisfying(usage -> {
            assertThat(usage.inputTokens()).isPositive();
            assertThat(usage.outputTokens()).isPositive();
            assertThat(usage.totalTokens()).isEqualTo(usage.inputTokens() + usage.outputTokens());
        });
    }

    @Test
    void streamingEmitsTheFullEventSequenceWithContiguousSequenceNumbers() {
        List<String> types = new ArrayList<>();
        List<Long> sequence = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        Response completed;
        try (StreamResponse<ResponseStreamEvent> stream =
                client.responses().createStreaming(ask("stream me").build())) {
            stream.stream().forEach(event -> {
                var fields = ObjectMappers.jsonMapper().convertValue(event, java.util.Map.class);
                types.add((String) fields.get("type"));
                sequence.add(((Number) fields.get("sequence_number")).longValue());
                event.outputTextDelta().ifPresent(delta -> text.append(delta.delta()));
            });
        }
        assertThat(types)
                .startsWith(
                        "response.created",
                        "response.in_progress",
                        "response.output_item.added",
                        "response.content_part.added",
                        "response.output_text.delta");
        assertThat(types)
                .endsWith(
                        "response.output_text.done",
                        "response.content_part.done",
                        "response.output_item.done",
                        "response.completed");
        for (int i = 0; i < sequence.size(); i++) {
            assertThat(sequence.get(i)).isEqualTo(i);
        }
        assertThat(text.toString()).contains("stream me");
    }

    @Test
    void storedResponseCanBeFetchedThenDeleted() {
        Response created = client.responses()
                .create(ask("keep me")
                        .metadata(ResponseCreateParams.Metadata.builder()
                                .putAdditionalProperty("case", JsonValue.from("get"))
                                .build())
                        .build());

        Response fetched = client.responses().retrieve(created.id());
        assertThat(fetched.id()).isEqualTo(created.id());
        assertThat(outputText(fetched)).isEqualTo(outputText(created));
        assertThat(fetched.metadata().orElseThrow()._additionalProperties())
                .containsEntry("case", JsonValue.from("get"));

        client.responses().delete(created.id());
        assertThatThrownBy(() -> client.responses().retrieve(created.id())).isInstanceOf(NotFoundException.class);
    }

    @Test
    void unknownIdIs404() {
        assertThatThrownBy(() -> client.responses().retrieve("resp_" + "0".repeat(48)))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> client.responses().retrieve("not-an-id")).isInstanceOf(NotFoundException.class);
    }

    @Test
    void otherTenantSeesNothing() {
        Response mine = client.responses().create(ask("private").build());
        OpenAIClient other = client(OTHER_KEY);

        assertThatThrownBy(() -> other.responses().retrieve(mine.id())).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> other.responses().delete(mine.id())).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> other.responses().inputItems().list(mine.id())).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> other.responses()
                        .create(ask("continue").previousResponseId(mine.id()).build()))
                .isInstanceOfSatisfying(
                        BadRequestException.class, e -> assertThat(e.code()).contains("previous_response_not_found"));
        assertThat(client.responses().retrieve(mine.id()).id()).isEqualTo(mine.id());
    }

    @Test
    void continuingAResponseThisReplicaStoredReadsOnlyWhetherItStillExists() {
        Response first = client.responses().create(ask("remember the word kiwi").build());
        double loads = storeLoads();
        double hits = replicaHits();

        Response second = client.responses()
                .create(ask("what was the word?").previousResponseId(first.id()).build());

        assertThat(second.status()).contains(ResponseStatus.COMPLETED);
        assertThat(second.usage().orElseThrow().inputTokens())
                .isGreaterThan(first.usage().orElseThrow().inputTokens());
        assertThat(storeLoads()).isEqualTo(loads);
        assertThat(replicaHits()).isEqualTo(hits + 1);
    }

    @Test
    void aResponseDeletedThroughAnotherReplicaIsNotContinuedFromTheKeptConversation() {
        Response first = client.responses().create(ask("soon gone").build());
        // straight to session-service, as another api-service replica deletes it
        assertThat(sessions.delete(ACME, first.id()).block(Duration.ofSeconds(10)))
                .isTrue();

        // store:false: nothing is persisted afterwards, so only the check before the turn can refuse it
        assertThatThrownBy(() -> client.responses()
                        .create(ask("continue")
                                .previousResponseId(first.id())
                                .store(false)
                                .build()))
                .isInstanceOfSatisfying(
                        BadRequestException.class, e -> assertThat(e.code()).contains("previous_response_not_found"));
    }

    private double storeLoads() {
        return meters.find("hotloop.context.loads").counter().count();
    }

    private double replicaHits() {
        return meters.find("hotloop.cache.requests")
                .tag("tier", "replica")
                .counter()
                .count();
    }

    @Test
    void unknownPreviousResponseIdIs400WithCodeAndParam() {
        assertThatThrownBy(() -> client.responses()
                        .create(ask("hi").previousResponseId("resp_missing").build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> {
                    assertThat(e.code()).contains("previous_response_not_found");
                    assertThat(e.param()).contains("previous_response_id");
                });
    }

    @Test
    void badFieldIs400NamingTheParam() {
        assertThatThrownBy(() ->
                        client.responses().create(ask("hi").temperature(7.0).build()))
                .isInstanceOfSatisfying(
                        BadRequestException.class, e -> assertThat(e.param()).contains("temperature"));
        assertThatThrownBy(() ->
                        client.responses().create(ask("hi").maxOutputTokens(1).build()))
                .isInstanceOfSatisfying(
                        BadRequestException.class, e -> assertThat(e.param()).contains("max_output_tokens"));
    }

    @Test
    void wrongApiKeyIs401() {
        assertThatThrownBy(() -> client("sk-wrong").responses().create(ask("hi").build()))
                .isInstanceOf(UnauthorizedException.class);
    }

    @Test
    void storeFalseKeepsNothing() {
        Response response =
                client.responses().create(ask("forget me").store(false).build());

        assertThat(response.status()).contains(ResponseStatus.COMPLETED);
        assertThatThrownBy(() -> client.responses().retrieve(response.id())).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> client.responses()
                        .create(ask("more").previousResponseId(response.id()).build()))
                .isInstanceOf(BadRequestException.class);
    }

    @Test
    void maxOutputTokensMakesTheResponseIncomplete() {
        Response response = client.responses()
                .create(ask("tell me a very long story " + "again ".repeat(60))
                        .maxOutputTokens(16)
                        .build());

        assertThat(response.status()).contains(ResponseStatus.INCOMPLETE);
        assertThat(response.incompleteDetails().orElseThrow().reason())
                .contains(Response.IncompleteDetails.Reason.MAX_OUTPUT_TOKENS);
        assertThat(response.usage().orElseThrow().outputTokens()).isEqualTo(16);
    }

    @Test
    void instructionsAreNotCarriedOverButHistoryIs() {
        Response first = client.responses()
                .create(ask("remember the word banana")
                        .instructions("Be brief.")
                        .build());
        Response second = client.responses()
                .create(ask("what was the word?").previousResponseId(first.id()).build());

        assertThat(first.instructions()).isPresent();
        assertThat(second.instructions()).isEmpty();
        assertThat(second.previousResponseId()).contains(first.id());
        assertThat(second.usage().orElseThrow().inputTokens())
                .isGreaterThan(first.usage().orElseThrow().inputTokens() - 20);
        List<ResponseItem> items = client.responses()
                .inputItems()
                .list(
                        second.id(),
                        InputItemListParams.builder()
                                .order(InputItemListParams.Order.ASC)
                                .build())
                .items();
        assertThat(items).hasSize(3);
        assertThat(items.get(0)
                        .asResponseInputMessageItem()
                        .content()
                        .getFirst()
                        .asInputText()
                        .text())
                .isEqualTo("remember the word banana");
        assertThat(items.get(1).isResponseOutputMessage()).isTrue();
        assertThat(items.get(2)
                        .asResponseInputMessageItem()
                        .content()
                        .getFirst()
                        .asInputText()
                        .text())
                .isEqualTo("what was the word?");
    }

    @Test
    void inputItemsPageInBothOrders() {
        Response response = null;
        for (int i = 0; i < 4; i++) {
            var params = ask("message " + i);
            if (response != null) {
                params.previousResponseId(response.id());
            }
            response = client.responses().create(params.build());
        }
        String id = response.id();
        // 4 user messages and 3 assistant answers precede the last output; newest first by default.
        InputItemListPage firstPage = client.responses()
                .inputItems()
                .list(id, InputItemListParams.builder().limit(3).build());
        assertThat(firstPage.data()).hasSize(3);
        assertThat(firstPage.hasMore()).contains(true);
        assertThat(firstPage
                        .data()
                        .getFirst()
                        .asResponseInputMessageItem()
                        .content()
                        .getFirst()
                        .asInputText()
                        .text())
                .isEqualTo("message 3");

        List<String> ascending = new ArrayList<>();
        client.responses()
                .inputItems()
                .list(
                        id,
                        InputItemListParams.builder()
                                .limit(2)
                                .order(InputItemListParams.Order.ASC)
                                .build())
                .autoPager()
                .forEach(item -> ascending.add(
                        item.isResponseInputMessageItem()
                                ? item.asResponseInputMessageItem()
                                        .content()
                                        .getFirst()
                                        .asInputText()
                                        .text()
                                : "answer"));
        assertThat(ascending)
                .containsExactly("message 0", "answer", "message 1", "answer", "message 2", "answer", "message 3");
    }

    @Test
    void listsModels() {
        List<Model> models = client.models().list().items();
        assertThat(models).extracting(Model::id).contains(MODEL);
        assertThat(client.models().retrieve(MODEL).id()).isEqualTo(MODEL);
    }

    @Test
    void unknownModelIsServedBySimulatorWhenConfiguredSo() {
        Response response = client.responses()
                .create(ResponseCreateParams.builder()
                        .model("my-own-llama")
                        .input("hi")
                        .build());
        assertThat(response.model().asString()).isEqualTo("my-own-llama");
    }
}
