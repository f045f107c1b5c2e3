package dev.hotloop.session.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hotloop.protocol.error.ApiException;
import dev.hotloop.protocol.id.ResponseIds;
import dev.hotloop.session.store.EncodedTurn;
import dev.hotloop.session.store.RecordCodec;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.web.server.ServerWebInputException;
import tools.jackson.databind.json.JsonMapper;

class StoreTurnRequestTest {

    private final JsonMapper mapper = JsonMapper.builder().build();
    private final RecordCodec codec = new RecordCodec(mapper);
    private final String id = ResponseIds.newChain();

    static Stream<Arguments> responsesWithOutput() {
        String kept = "{\"id\":\"%s\",\"note\":\"caf\\u00e9\",\"metadata\":{\"output\":[]}}";
        return Stream.of(
                Arguments.of(
                        "{\"output\":[{\"a\":1}],\"id\":\"%s\",\"note\":\"caf\\u00e9\",\"metadata\":{\"output\":[]}}",
                        kept),
                Arguments.of(
                        "{\"id\":\"%s\",\"output\":[{\"a\":1}],\"note\":\"caf\\u00e9\",\"metadata\":{\"output\":[]}}",
                        kept),
                Arguments.of(
                        "{\"id\":\"%s\",\"note\":\"caf\\u00e9\",\"metadata\":{\"output\":[]},\"output\":[{\"a\":1}]}",
                        kept),
                // whitespace between fields goes, whitespace inside a field stays
                Arguments.of(
                        "{ \"id\" : \"%s\" ,\n \"note\":\"caf\\u00e9\", \"output\": [ {\"a\":1} ] ,\t\"metadata\":{\"output\":[]} }",
                        "{\"id\" : \"%s\",\"note\":\"caf\\u00e9\",\"metadata\":{\"output\":[]}}"));
    }

    @ParameterizedTest
    @MethodSource("responsesWithOutput")
    void storedResponseIsTheBytesThatCameLessTheTopLevelOutputWhereverItStands(String response, String stored) {
        EncodedTurn turn =
                read("{\"response\":" + response.formatted(id) + ",\"output\":[{\"tokens\":1,\"item\":{}}]}");

        // the escape is kept as it came: nothing was decoded and encoded again
        assertThat(turn.response()).isEqualTo(stored.formatted(id));
        assertThat(turn.id()).isEqualTo(id);
    }

    @Test
    void responseWithoutOutputIsStoredAsItCame() {
        EncodedTurn turn = read("{\"response\":{\"id\":\"" + id + "\",\"n\":1.50}}");

        assertThat(turn.response()).isEqualTo("{\"id\":\"" + id + "\",\"n\":1.50}");
        assertThat(read("{\"response\":{\"id\":\"" + id + "\",\"output\":null}}")
                        .response())
                .isEqualTo("{\"id\":\"" + id + "\"}");
        assertThat(read("{\"response\":{\"output\":[],\"id\":\"" + id + "\"}}").response())
                .isEqualTo("{\"id\":\"" + id + "\"}");
    }

    @Test
    void itemsAreStoredAsTheBytesThatCameInTheirOrder() {
        String reasoning = "{ \"type\": \"reasoning\", \"summary\": [], \"text\": \"}\\\"{\" }";
        String call = "{\"type\":\"function_call\",\"arguments\":\"{\\\"q\\\":\\u0022x\\u0022}\"}";
        String message = "{\"type\":\"message\",\"content\":[{\"text\":\"\u00e9t\u00e9\"}]}";

        EncodedTurn turn = read("{\"input\":[{\"item\":" + reasoning + ",\"tokens\":12},{\"tokens\":3,\"item\":" + call
                + "}],\"response\":{\"id\":\"" + id + "\",\"output\":[" + message + "]},"
                + "\"output\":[{\"tokens\":7,\"extra\":[1,{}],\"item\":" + message + "}]}");

        assertThat(turn.input())
                .containsExactly("{\"tokens\":12,\"item\":" + reasoning + "}", "{\"tokens\":3,\"item\":" + call + "}");
        assertThat(turn.output()).containsExactly("{\"tokens\":7,\"item\":" + message + "}");
        assertThat(codec.storedContext(null, turn, 1).response())
                .isEqualTo("{\"id\":\"" + id + "\",\"output\":[" + message + "]}");
    }

    @Test
    void outputOfAnotherSizeThanTheResponsesIsRefused() {
        String response = "{\"id\":\"" + id + "\",\"output\":[{},{}]}";

        assertThatThrownBy(() -> read("{\"response\":" + response + ",\"output\":[{\"tokens\":1,\"item\":{}}]}"))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.error().param()).isEqualTo("output"));
        assertThatThrownBy(() -> read("{\"response\":{\"id\":\"" + id + "\",\"output\":{}}}"))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.error().param()).isEqualTo("output"));
    }

    @Test
    void truncatedBodyIsUnreadable() {
        assertThatThrownBy(() -> read("{\"response\":{\"id\":\"" + id + "\",\"output\":[{}"))
                .isInstanceOf(ServerWebInputException.class);
    }

    private EncodedTurn read(String body) {
        return StoreTurnRequest.read(body.getBytes(StandardCharsets.UTF_8), mapper)
                .toTurn(codec);
    }
}
