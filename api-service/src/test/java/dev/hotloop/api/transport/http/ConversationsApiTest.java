package dev.hotloop.api.transport.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.core.http.ResponseConnection;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.errors.OpenAIServiceException;
import com.openai.models.conversations.Conversation;
import com.openai.models.conversations.ConversationCreateParams;
import com.openai.models.conversations.ConversationDeletedResource;
import com.openai.models.conversations.ConversationUpdateParams;
import com.openai.models.conversations.Message;
import com.openai.models.conversations.items.ConversationItem;
import com.openai.models.conversations.items.ConversationItemList;
import com.openai.models.conversations.items.ItemCreateParams;
import com.openai.models.conversations.items.ItemDeleteParams;
import com.openai.models.conversations.items.ItemListParams;
import com.openai.models.conversations.items.ItemRetrieveParams;
import com.openai.models.responses.EasyInputMessage;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseInputItem;
import com.openai.models.responses.ResponsesClientEvent;
import dev.hotloop.api.PlatformTest;
import dev.hotloop.api.context.StoredConversations;
import dev.hotloop.api.loop.Turn;
import dev.hotloop.api.loop.TurnEngine;
import dev.hotloop.api.loop.TurnListener;
import dev.hotloop.api.loop.TurnOrigin;
import dev.hotloop.api.loop.TurnOrigin.Transport;
import dev.hotloop.protocol.error.ApiException;
import dev.hotloop.protocol.request.CreateRequest;
import dev.hotloop.protocol.request.CreateRequestReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** The Conversations API, and responses on a conversation, through the official openai-java client over real HTTP. */
class ConversationsApiTest extends PlatformTest {

    @Autowired
    private TurnEngine engine;

    @Autowired
    private StoredConversations store;

    private OpenAIClient client;

    @BeforeEach
    void sdk() {
        client = client();
    }

    @Test
    void aConversationIsCreatedReadUpdatedAndDeleted() {
        Conversation created = client.conversations()
                .create(ConversationCreateParams.builder()
                        .metadata(ConversationCreateParams.Metadata.builder()
                                .putAdditionalProperty("topic", JsonValue.from("demo"))
                                .build())
                        .addItem(user("hello"))
                        .addItem(user("again"))
                        .build());

        assertThat(created.id()).startsWith("conv_").hasSize(53);
        assertThat(created._metadata()).isEqualTo(JsonValue.from(java.util.Map.of("topic", "demo")));
        Conversation read = client.conversations().retrieve(created.id());
        assertThat(read.createdAt()).isEqualTo(created.createdAt());
        assertThat(texts(client.conversations().items().list(created.id()).data()))
                .containsExactly("again", "hello");

        Conversation updated = client.conversations()
                .update(
                        created.id(),
                        ConversationUpdateParams.builder()
                                .metadata(ConversationUpdateParams.Metadata.builder()
                                        .putAdditionalProperty("topic", JsonValue.from("project-x"))
                                        .build())
                                .build());
        assertThat(updated._metadata()).isEqualTo(JsonValue.from(java.util.Map.of("topic", "project-x")));

        ConversationDeletedResource deleted = client.conversations().delete(created.id());
        assertThat(deleted.id()).isEqualTo(created.id());
        assertThat(deleted.deleted()).isTrue();
        assertThatThrownBy(() -> client.conversations().retrieve(created.id())).isInstanceOf(NotFoundException.class);
    }

    @Test
    void itemsAreAddedPagedFetchedAndDeleted() {
        String id = client.conversations().create().id();
        assertThat(client.conversations().items().list(id).data()).isEmpty();
        List<ResponseInputItem> items = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            items.add(user("m" + i));
        }

        ConversationItemList added = client.conversations()
                .items()
                .create(id, ItemCreateParams.builder().items(items).build());
        assertThat(texts(added.data())).containsExactly("m0", "m1", "m2", "m3", "m4");

        // pages of two, oldest first, followed through has_more and after by the SDK's pager
        List<ConversationItem> all = new ArrayList<>();
        client.conversations()
                .items()
                .list(
                        id,
                        ItemListParams.builder()
                                .limit(2)
                                .order(ItemListParams.Order.ASC)
                                .build())
                .autoPager()
                .forEach(all::add);
        assertThat(texts(all)).containsExactly("m0", "m1", "m2", "m3", "m4");

        String second = all.get(1).asMessage().id();
        ConversationItem fetched = client.conversations()
                .items()
                .retrieve(
                        second, ItemRetrieveParams.builder().conversationId(id).build());
        assertThat(texts(List.of(fetched))).containsExactly("m1");

        Conversation after = client.conversations()
                .items()
                .delete(ItemDeleteParams.builder()
                        .conversationId(id)
                        .itemId(second)
                        .build());
        assertThat(after.id()).isEqualTo(id);
        assertThat(texts(client.conversations().items().list(id).data())).containsExactly("m4", "m3", "m2", "m0");
        assertThatThrownBy(() -> client.conversations()
                        .items()
                        .retrieve(
                                second,
                                ItemRetrieveParams.builder().conversationId(id).build()))
                .isInstanceOf(NotFoundException.class);
    }

    @Test
    void aFiveTurnChainOnAConversationOverHttpSeesAndExtendsItsHistory() {
        String id = client.conversations()
                .create(ConversationCreateParams.builder()
                        .addItem(user("CONVERSE start"))
                        .build())
                .id();

        for (int turn = 1; turn <= 5; turn++) {
            Response response = client.responses()
                    .create(ResponseCreateParams.builder()
                            .model(MODEL)
                            .conversation(id)
                            .input("CONVERSE " + turn)
                            .build());

            assertThat(outputText(response)).isEqualTo("Turn " + turn + ": CONVERSE " + turn);
            assertThat(response.conversation())
                    .hasValueSatisfying(
                            conversation -> assertThat(conversation.id()).isEqualTo(id));
            assertThat(response.previousResponseId()).isEmpty();
        }

        assertThat(texts(listAscending(id)))
                .containsExactly(
                        "CONVERSE start",
                        "CONVERSE 1",
                        "Turn 1: CONVERSE 1",
                        "CONVERSE 2",
                        "Turn 2: CONVERSE 2",
                        "CONVERSE 3",
                        "Turn 3: CONVERSE 3",
                        "CONVERSE 4",
                        "Turn 4: CONVERSE 4",
                        "CONVERSE 5",
                        "Turn 5: CONVERSE 5");
        client.conversations().delete(id);
    }

    @Test
    void aFiveTurnChainOnAConversationOverWebSocketSeesAndExtendsItsHistory() {
        String id = client.conversations().create().id();

        try (ResponseConnection connection = client.responses().connect()) {
            for (int turn = 1; turn <= 5; turn++) {
                connection.send(ResponsesClientEvent.ofResponseCreate(ResponsesClientEvent.ResponseCreate.builder()
                        .model(MODEL)
                        .conversation(id)
                        .input("CONVERSE " + turn)
                        .build()));
                Response response = connection.finalResponse();

                assertThat(outputText(response)).isEqualTo("Turn " + turn + ": CONVERSE " + turn);
                assertThat(response.conversation())
                        .hasValueSatisfying(
                                conversation -> assertThat(conversation.id()).isEqualTo(id));
            }
        }

        List<String> texts = texts(listAscending(id));
        assertThat(texts)
                .hasSize(10)
                .startsWith("CONVERSE 1", "Turn 1: CONVERSE 1")
                .endsWith("Turn 5: CONVERSE 5");
        client.conversations().delete(id);
    }

    @Test
    void aResponseWithStoreFalseStillExtendsItsConversationButIsNotKept() {
        String id = client.conversations().create().id();

        Response response = client.responses()
                .create(ResponseCreateParams.builder()
                        .model(MODEL)
                        .conversation(id)
                        .store(false)
                        .input("CONVERSE quietly")
                        .build());

        assertThat(texts(listAscending(id))).containsExactly("CONVERSE quietly", "Turn 1: CONVERSE quietly");
        assertThatThrownBy(() -> client.responses().retrieve(response.id())).isInstanceOf(NotFoundException.class);
    }

    @Test
    void aConversationAndAPreviousResponseCannotBeCombined() {
        String id = client.conversations().create().id();
        Response first = client.responses()
                .create(ResponseCreateParams.builder().model(MODEL).input("hi").build());

        assertThatThrownBy(() -> client.responses()
                        .create(ResponseCreateParams.builder()
                                .model(MODEL)
                                .conversation(id)
                                .previousResponseId(first.id())
                                .input("both")
                                .build()))
                .isInstanceOfSatisfying(BadRequestException.class, error -> {
                    assertThat(error.code()).contains("mutually_exclusive_parameters");
                    assertThat(error.param()).contains("conversation");
                });
    }

    @Test
    void anotherTenantsConversationIsNotFound() {
        String id = client.conversations()
                .create(ConversationCreateParams.builder()
                        .addItem(user("secret"))
                        .build())
                .id();
        OpenAIClient other = client(OTHER_KEY);

        assertThatThrownBy(() -> other.conversations().retrieve(id)).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> other.conversations().items().list(id)).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> other.conversations().delete(id)).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> other.responses()
                        .create(ResponseCreateParams.builder()
                                .model(MODEL)
                                .conversation(id)
                                .input("let me in")
                                .build()))
                .isInstanceOf(NotFoundException.class);
        assertThat(texts(listAscending(id))).containsExactly("secret");
    }

    @Test
    void racingResponsesNeverInterleaveTheirItems() throws Exception {
        String id = client.conversations().create().id();
        int racers = 6;
        ConcurrentLinkedQueue<Response> completed = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Integer> refused = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(racers);
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (int racer = 0; racer < racers; racer++) {
                String input = "CONVERSE racer " + racer;
                runs.add(pool.submit(() -> {
                    try {
                        completed.add(client.responses()
                                .create(ResponseCreateParams.builder()
                                        .model(MODEL)
                                        .conversation(id)
                                        .input(input)
                                        .build()));
                    } catch (OpenAIServiceException conflict) {
                        refused.add(conflict.statusCode());
                    }
                }));
            }
            for (Future<?> run : runs) {
                run.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        // a response that lost the race appended nothing and said why; each winner's input and output are adjacent,
        // and its answer counts exactly the turns before it
        assertThat(refused).allSatisfy(status -> assertThat(status).isEqualTo(409));
        assertThat(completed).hasSize(racers - refused.size()).isNotEmpty();
        List<String> texts = texts(listAscending(id));
        assertThat(texts).hasSize(2 * completed.size());
        for (int turn = 0; turn < completed.size(); turn++) {
            String input = texts.get(2 * turn);
            assertThat(input).startsWith("CONVERSE racer ");
            assertThat(texts.get(2 * turn + 1)).isEqualTo("Turn " + (turn + 1) + ": " + input);
        }
    }

    @Test
    void aResponseGeneratedFromAnOlderVersionFailsWith409AndAppendsNothing() {
        String id = client.conversations().create().id();
        // both read the empty conversation before either completes
        Turn first = engine.prepare(TurnOrigin.now(ACME, Transport.HTTP), onConversation(id, "first"), store)
                .block();
        Turn second = engine.prepare(TurnOrigin.now(ACME, Transport.HTTP), onConversation(id, "second"), store)
                .block();
        AtomicReference<ApiException> failure = new AtomicReference<>();
        TurnListener listener = new TurnListener() {
            @Override
            public void failed(Turn turn, ApiException cause) {
                failure.set(cause);
            }
        };

        assertThat(engine.run(first, TurnListener.NONE).blockLast().type()).isEqualTo("response.completed");
        assertThat(engine.run(second, listener).blockLast().type()).isEqualTo("response.failed");

        assertThat(failure.get().status()).isEqualTo(409);
        assertThat(failure.get().error().code()).isEqualTo("conversation_changed");
        assertThat(texts(listAscending(id))).containsExactly("CONVERSE first", "Turn 1: CONVERSE first");
    }

    private static CreateRequest onConversation(String id, String text) {
        return CreateRequestReader.read(("{\"model\":\"" + MODEL + "\",\"conversation\":{\"id\":\"" + id
                        + "\"},\"input\":\"CONVERSE " + text + "\"}")
                .getBytes(StandardCharsets.UTF_8));
    }

    private List<ConversationItem> listAscending(String id) {
        return client.conversations()
                .items()
                .list(
                        id,
                        ItemListParams.builder()
                                .limit(100)
                                .order(ItemListParams.Order.ASC)
                                .build())
                .data();
    }

    private static ResponseInputItem user(String text) {
        return ResponseInputItem.ofEasyInputMessage(EasyInputMessage.builder()
                .role(EasyInputMessage.Role.USER)
                .content(text)
                .build());
    }

    /** The text of each message item. */
    private static List<String> texts(List<ConversationItem> items) {
        List<String> texts = new ArrayList<>();
        for (ConversationItem item : items) {
            StringBuilder text = new StringBuilder();
            for (Message.Content part : item.asMessage().content()) {
                part.inputText().ifPresent(input -> text.append(input.text()));
                part.outputText().ifPresent(output -> text.append(output.text()));
            }
            texts.add(text.toString());
        }
        return texts;
    }
}
