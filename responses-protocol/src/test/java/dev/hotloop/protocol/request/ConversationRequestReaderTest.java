package dev.hotloop.protocol.request;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.hotloop.protocol.error.ApiException;
import dev.hotloop.protocol.item.Item;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConversationRequestReaderTest {

    private static byte[] json(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aCreateBodyMayBeEmptyOrCarryMetadataAndItems() {
        assertThat(ConversationRequestReader.create(new byte[0]).items()).isEmpty();

        ConversationRequestReader.NewConversation created = ConversationRequestReader.create(
                json("{\"metadata\":{\"topic\":\"demo\"},\"items\":[{\"role\":\"user\",\"content\":\"hi\"}]}"));

        assertThat(created.metadata()).isEqualTo(Map.of("topic", "demo"));
        assertThat(created.items()).singleElement().satisfies(item -> {
            assertThat(item.type()).isEqualTo("message");
            assertThat(item.id()).startsWith("msg_");
        });
    }

    @Test
    void everyItemHasAnIdSinceConversationsAddressItemsById() {
        Item reasoning = ConversationRequestReader.items(
                        json("{\"items\":[{\"type\":\"reasoning\",\"summary\":[],\"encrypted_content\":\"x\"}]}"))
                .getFirst();

        assertThat(reasoning.id()).startsWith("item_");
        assertThat(reasoning.json().get("encrypted_content").stringValue()).isEqualTo("x");
    }

    @Test
    void moreThanTwentyItemsInOneCallAreRefused() {
        String item = "{\"role\":\"user\",\"content\":\"hi\"}";
        String items = "{\"items\":[" + String.join(",", java.util.Collections.nCopies(21, item)) + "]}";

        ApiException refused =
                catchThrowableOfType(ApiException.class, () -> ConversationRequestReader.items(json(items)));

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.error().param()).isEqualTo("items");
        assertThat(refused.error().code()).isEqualTo("array_above_max_length");
    }

    @Test
    void anUpdateMustNameTheMetadataButMayClearIt() {
        ApiException missing =
                catchThrowableOfType(ApiException.class, () -> ConversationRequestReader.update(json("{}")));

        assertThat(missing.error().param()).isEqualTo("metadata");
        assertThat(ConversationRequestReader.update(json("{\"metadata\":null}")))
                .isEmpty();
        assertThat(catchThrowableOfType(
                                ApiException.class,
                                () -> ConversationRequestReader.items(json("{\"items\":[{\"type\":\"hologram\"}]}")))
                        .error()
                        .param())
                .isEqualTo("items[0].type");
    }
}
