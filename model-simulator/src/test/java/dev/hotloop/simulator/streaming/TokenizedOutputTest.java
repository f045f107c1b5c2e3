package dev.hotloop.simulator.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import dev.hotloop.protocol.model.ModelEvent;
import dev.hotloop.simulator.reply.Reply;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class TokenizedOutputTest {

    private static final Encoding O200K = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.O200K_BASE);

    @Property(tries = 300)
    void deltasConcatenateToTheTextAndAreWholeCharacters(@ForAll("unicodeText") String text) {
        TokenizedOutput output = TokenizedOutput.of(List.of(new Reply.Message(text)), O200K, null);

        List<String> deltas = deltas(output);
        assertThat(String.join("", deltas)).isEqualTo(text);
        assertThat(deltas).allSatisfy(delta -> assertThat(isWellFormed(delta)).isTrue());
        assertThat(output.outputTokens()).isEqualTo(O200K.countTokensOrdinary(text));
        assertThat(output.truncated()).isFalse();
    }

    @Property(tries = 300)
    void aBudgetKeepsExactlyThatManyTokensOfWholeCharacters(
            @ForAll("unicodeText") String text, @ForAll @IntRange(max = 40) int budget) {
        TokenizedOutput output = TokenizedOutput.of(List.of(new Reply.Message(text)), O200K, budget);

        int needed = O200K.countTokensOrdinary(text);
        assertThat(output.outputTokens()).isEqualTo(Math.min(budget, needed));
        assertThat(output.truncated()).isEqualTo(needed > budget);
        assertThat(text).startsWith(String.join("", deltas(output)));
        assertThat(deltas(output))
                .allSatisfy(delta -> assertThat(isWellFormed(delta)).isTrue());
    }

    @Property(tries = 100)
    void aCallStartsWithItsFirstArgumentToken(@ForAll("unicodeText") String value) {
        String arguments = "{\"q\":\"" + value.replace("\\", "").replace("\"", "") + "\"}";
        Reply.FunctionCall call = new Reply.FunctionCall("call_1", "search", arguments);

        TokenizedOutput output = TokenizedOutput.of(List.of(new Reply.Message("Searching."), call), O200K, null);

        int messageTokens = O200K.countTokensOrdinary("Searching.");
        assertThat(output.tokens().get(messageTokens).getFirst())
                .isEqualTo(new ModelEvent.FunctionCallStart("call_1", "search"));
        assertThat(output.tokens().stream()
                        .flatMap(List::stream)
                        .filter(ModelEvent.ArgumentsDelta.class::isInstance)
                        .map(event -> ((ModelEvent.ArgumentsDelta) event).delta())
                        .reduce("", String::concat))
                .isEqualTo(arguments);
    }

    @Provide
    Arbitrary<String> unicodeText() {
        // whole code points only: Java strings may hold lone surrogates, which have no UTF-8 form
        return Arbitraries.oneOf(
                Arbitraries.strings().withCharRange(' ', '~'),
                Arbitraries.strings().withChars("éüßΩμ世界日本語한국어").withCharRange(' ', '~'),
                text(Arbitraries.integers().between(0x1F300, 0x1FAFF)),
                text(Arbitraries.integers()
                        .between(1, 0x10FFFF)
                        .filter(codePoint ->
                                codePoint < Character.MIN_SURROGATE || codePoint > Character.MAX_SURROGATE)));
    }

    private static Arbitrary<String> text(Arbitrary<Integer> codePoints) {
        return codePoints
                .list()
                .ofMaxSize(30)
                .map(list ->
                        new String(list.stream().mapToInt(Integer::intValue).toArray(), 0, list.size()));
    }

    private static List<String> deltas(TokenizedOutput output) {
        return output.tokens().stream()
                .flatMap(List::stream)
                .filter(ModelEvent.TextDelta.class::isInstance)
                .map(event -> ((ModelEvent.TextDelta) event).text())
                .toList();
    }

    private static boolean isWellFormed(String delta) {
        return !delta.isEmpty()
                && new String(delta.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8).equals(delta);
    }
}
