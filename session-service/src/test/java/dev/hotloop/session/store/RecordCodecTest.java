package dev.hotloop.session.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class RecordCodecTest {

    private final JsonMapper mapper = JsonMapper.builder().build();
    private final RecordCodec codec = new RecordCodec(mapper);

    @Test
    void itemElementCarriesTokensAndTheItemJsonAsItCame() {
        String item = "{\"type\":\"message\", \"item\":{\"tokens\":1},\"text\":\",\\\"item\\\":\"}";

        String element = codec.item(42, item);

        assertThat(element).isEqualTo("{\"tokens\":42,\"item\":" + item + "}");
        assertThat(codec.itemJson(element)).isEqualTo(item);
    }

    @Test
    void withOutputAppendsTheOutputItems() {
        List<String> elements = List.of(codec.item(1, "{\"a\":1}"), codec.item(2, "{\"b\":[]}"));

        assertThat(codec.withOutput("{\"id\":\"r\"}", elements))
                .isEqualTo("{\"id\":\"r\",\"output\":[{\"a\":1},{\"b\":[]}]}");
        assertThat(codec.withOutput("{\"id\":\"r\"}", List.of())).isEqualTo("{\"id\":\"r\",\"output\":[]}");
        assertThat(codec.withOutput("{}", List.of())).isEqualTo("{\"output\":[]}");
    }

    @Test
    void storedContextIsTheParentContextThenTheTurnsInputThenItsOutput() {
        String in = codec.item(3, "{\"in\":1}");
        String out = codec.item(5, "{\"out\":1}");
        ResponseContext parent = new ResponseContext("{\"id\":\"p\",\"output\":[]}", List.of("a", "b"), 1, 1);

        ResponseContext root =
                codec.storedContext(null, new EncodedTurn("r", null, "{\"id\":\"r\"}", List.of(in), List.of(out)), 1);
        ResponseContext child =
                codec.storedContext(parent, new EncodedTurn("c", "p", "{\"id\":\"c\"}", List.of(in), List.of(out)), 2);

        assertThat(root)
                .isEqualTo(new ResponseContext("{\"id\":\"r\",\"output\":[{\"out\":1}]}", List.of(in, out), 1, 1));
        assertThat(child)
                .isEqualTo(new ResponseContext(
                        "{\"id\":\"c\",\"output\":[{\"out\":1}]}", List.of("a", "b", in, out), 3, 2));
    }
}
