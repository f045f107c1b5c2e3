package dev.hotloop.session.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hotloop.protocol.id.ConversationIds;
import dev.hotloop.session.SessionServiceIntegrationTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

class ConversationStateApiTest extends SessionServiceIntegrationTest {

    private static final String CONVERSATIONS = "/internal/v1/tenants/{tenant}/conversations";

    @Test
    void itemsComeBackInTheOrderTheyWereAddedWholeAndPaged() {
        String id = create(TENANT, "a", "b");
        append(TENANT, id, null, "c", "d", "e")
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.version")
                .isEqualTo(1);

        JsonNode conversation = get(TENANT, id)
                .expectStatus()
                .isOk()
                .expectBody(JsonNode.class)
                .returnResult()
                .getResponseBody();
        assertThat(conversation.get("metadata").get("topic").stringValue()).isEqualTo("demo");
        assertThat(conversation.get("created_at").longValue()).isEqualTo(1763700000L);
        assertThat(texts(context(TENANT, id).get("items"), true)).containsExactly("a", "b", "c", "d", "e");

        JsonNode first = page(id, "limit=2&order=asc");
        assertThat(texts(first.get("data"), false)).containsExactly("a", "b");
        assertThat(first.get("has_more").booleanValue()).isTrue();
        JsonNode next = page(id, "limit=2&order=asc&after=item_b");
        assertThat(texts(next.get("data"), false)).containsExactly("c", "d");
        JsonNode last = page(id, "limit=2&order=asc&after=item_d");
        assertThat(texts(last.get("data"), false)).containsExactly("e");
        assertThat(last.get("has_more").booleanValue()).isFalse();
        assertThat(texts(page(id, "limit=10&order=desc&after=item_c").get("data"), false))
                .containsExactly("b", "a");
        http.get()
                .uri(CONVERSATIONS + "/{id}/items?limit=2&order=asc&after=nope", TENANT, id)
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.error.param")
                .isEqualTo("after");
    }

    @Test
    void anAppendAtAVersionTheConversationLeftWritesNothing() {
        String id = create(TENANT, "a");
        append(TENANT, id, 0L, "b")
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.version")
                .isEqualTo(1);

        // a second response that read the conversation at version 0 too
        append(TENANT, id, 0L, "c")
                .expectStatus()
                .isEqualTo(409)
                .expectBody()
                .jsonPath("$.error.code")
                .isEqualTo("conversation_changed");

        assertThat(texts(context(TENANT, id).get("items"), true)).containsExactly("a", "b");
        assertThat(context(TENANT, id).get("version").longValue()).isEqualTo(1);
    }

    @Test
    void anItemIdIsUsedOncePerConversation() {
        String id = create(TENANT, "a");
        ObjectNode body = json.createObjectNode();
        body.set("items", json.createArrayNode().add(element(message("a"))));

        http.post()
                .uri(CONVERSATIONS + "/{id}/items", TENANT, id)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.error.code")
                .isEqualTo("duplicate_item_id");
    }

    @Test
    void aDeletedItemIsGoneAndTheVersionMovesOn() {
        String id = create(TENANT, "a", "b");

        http.delete()
                .uri(CONVERSATIONS + "/{id}/items/{item}", TENANT, id, "item_a")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.version")
                .isEqualTo(1);

        assertThat(texts(context(TENANT, id).get("items"), true)).containsExactly("b");
        http.get()
                .uri(CONVERSATIONS + "/{id}/items/{item}", TENANT, id, "item_a")
                .exchange()
                .expectStatus()
                .isNotFound()
                .expectBody()
                .jsonPath("$.error.code")
                .isEqualTo("item_not_found");
        http.get()
                .uri(CONVERSATIONS + "/{id}/items/{item}", TENANT, id, "item_b")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.id")
                .isEqualTo("item_b");
    }

    @Test
    void anotherTenantFindsNothingAndChangesNothing() {
        String id = create(TENANT, "a");

        get("other", id)
                .expectStatus()
                .isNotFound()
                .expectBody()
                .jsonPath("$.error.code")
                .isEqualTo("conversation_not_found");
        append("other", id, null, "x").expectStatus().isNotFound();
        http.get()
                .uri(CONVERSATIONS + "/{id}/context", "other", id)
                .exchange()
                .expectStatus()
                .isNotFound();
        http.delete()
                .uri(CONVERSATIONS + "/{id}", "other", id)
                .exchange()
                .expectStatus()
                .isNotFound();

        assertThat(texts(context(TENANT, id).get("items"), true)).containsExactly("a");
    }

    @Test
    void theWholeConversationLoadsInOneRoundTrip() {
        String id = create(TENANT, "a");
        for (int i = 0; i < 30; i++) {
            append(TENANT, id, null, "m" + i).expectStatus().isOk();
        }

        Map<String, Long> commands = redisCommandsRunBy(
                () -> assertThat(context(TENANT, id).get("items")).hasSize(31));

        // INFO commandstats also counts the commands the script ran inside Redis: one script is one round trip
        assertThat(commands).containsEntry("evalsha", 1L);
    }

    @Test
    void everyKeyLivesForTheTtlAndADeleteRemovesThemAll() {
        String id = create(TENANT, "a");
        String pattern = "hl:{" + ConversationIds.tag(id) + "}:*";

        List<String> keys = redis.keys(pattern).collectList().block();
        assertThat(keys).hasSize(3);
        for (String key : keys) {
            assertThat(redis.getExpire(key).block()).as(key).isPositive();
        }

        http.delete()
                .uri(CONVERSATIONS + "/{id}", TENANT, id)
                .exchange()
                .expectStatus()
                .isNoContent();

        assertThat(redis.keys(pattern).collectList().block()).isEmpty();
        get(TENANT, id).expectStatus().isNotFound();
    }

    /** Creates a conversation with metadata and one user message per text (ids item_&lt;text&gt;); returns its id. */
    private String create(String tenant, String... texts) {
        String id = ConversationIds.newConversation();
        ObjectNode body = json.createObjectNode().put("id", id).put("created_at", 1763700000L);
        body.set("metadata", json.createObjectNode().put("topic", "demo"));
        body.set("items", elements(texts));
        http.post()
                .uri(CONVERSATIONS, tenant)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange()
                .expectStatus()
                .isCreated()
                .expectBody()
                .jsonPath("$.version")
                .isEqualTo(0);
        return id;
    }

    private WebTestClient.ResponseSpec append(String tenant, String id, @Nullable Long version, String... texts) {
        ObjectNode body = json.createObjectNode();
        if (version != null) {
            body.put("version", version);
        }
        body.set("items", elements(texts));
        return http.post()
                .uri(CONVERSATIONS + "/{id}/items", tenant, id)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange();
    }

    private WebTestClient.ResponseSpec get(String tenant, String id) {
        return http.get().uri(CONVERSATIONS + "/{id}", tenant, id).exchange();
    }

    private JsonNode context(String tenant, String id) {
        return http.get()
                .uri(CONVERSATIONS + "/{id}/context", tenant, id)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(JsonNode.class)
                .returnResult()
                .getResponseBody();
    }

    private JsonNode page(String id, String query) {
        return http.get()
                .uri(CONVERSATIONS + "/{id}/items?" + query, TENANT, id)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(JsonNode.class)
                .returnResult()
                .getResponseBody();
    }

    private ArrayNode elements(String... texts) {
        ArrayNode items = json.createArrayNode();
        for (String text : texts) {
            items.add(element(message(text)));
        }
        return items;
    }

    private ObjectNode element(ObjectNode item) {
        ObjectNode element = json.createObjectNode().put("tokens", 3);
        element.set("item", item);
        return element;
    }

    private ObjectNode message(String text) {
        return userMessage(text).put("id", "item_" + text);
    }

    /** The texts of messages, given as store elements or as the items themselves. */
    private static List<String> texts(JsonNode items, boolean elements) {
        List<String> texts = new ArrayList<>();
        for (JsonNode entry : items) {
            JsonNode item = elements ? entry.get("item") : entry;
            texts.add(item.get("content").get(0).get("text").stringValue());
        }
        return texts;
    }
}
