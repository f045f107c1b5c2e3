package dev.hotloop.api.tokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import dev.hotloop.api.config.ApiProperties;
import dev.hotloop.api.context.ContextItem;
import dev.hotloop.api.context.Conversation;
import dev.hotloop.protocol.item.Item;
import dev.hotloop.protocol.request.CreateRequestReader;
import dev.hotloop.protocol.tool.Tool;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;
import reactor.test.StepVerifier;

class TokenCounterTest {

    private static final Encoding O200K = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.O200K_BASE);
    private static final TokenCounter COUNTER = new TokenCounter(
            O200K,
            new ApiProperties.Tokenizer(1, 4, DataSize.ofMegabytes(1), DataSize.ofMegabytes(1)),
            new SimpleMeterRegistry());

    @AfterAll
    static void close() {
        COUNTER.close();
    }

    @Test
    void chunkedCountsAreExactForOrdinaryText() {
        Random random = new Random(7);
        String[] words = {
            "the",
            "loop",
            "résumé",
            "naïve",
            "東京",
            "😀",
            "x=1;",
            "{\"a\": [1, 2]}",
            "\n",
            "  ",
            "don't",
            "HTTP/1.1",
            "0.25",
            "ÅngstrÖm",
            "—",
            "tab\t"
        };
        StringBuilder text = new StringBuilder();
        while (text.length() < 50_000) {
            text.append(words[random.nextInt(words.length)]).append(random.nextInt(5) == 0 ? "" : " ");
        }

        assertThat(COUNTER.text(text.toString())).isEqualTo(O200K.countTokensOrdinary(text.toString()));
    }

    @Test
    void chunksNeverSplitASurrogatePair() {
        String emoji = "😀".repeat(TokenCounter.CHUNK_CHARS);

        int end = TokenCounter.chunkEnd(emoji, 1, emoji.length());
        assertThat(Character.isHighSurrogate(emoji.charAt(end - 1))).isFalse();
    }

    @Test
    void textPastTheExactLimitIsExtrapolatedFromItsPrefix() {
        String prefix = "word ".repeat(TokenCounter.EXACT_CHARS / 5);

        int once = COUNTER.text(prefix);
        int thrice = COUNTER.text(prefix.repeat(3));

        // the prefix counted ends mid-word, so the extrapolation is off by a few tokens at most
        assertThat(thrice).isCloseTo(3 * once, within(10));
    }

    @Test
    void longInputIsCountedOnTheTokenizerThreads() {
        List<Item> input = CreateRequestReader.read(
                        ("{\"input\": \"" + "A".repeat(TokenCounter.INLINE_CHARS) + "\"}").getBytes())
                .input();
        AtomicReference<String> thread = new AtomicReference<>();

        StepVerifier.create(COUNTER.count(input)
                        .doOnNext(counted -> thread.set(Thread.currentThread().getName())))
                .assertNext(counted -> assertThat(counted)
                        .extracting(ContextItem::tokens)
                        .singleElement()
                        .isEqualTo(TokenCounter.ITEM_OVERHEAD
                                + O200K.countTokensOrdinary("A".repeat(TokenCounter.INLINE_CHARS))))
                .verifyComplete();
        assertThat(thread.get()).startsWith("hotloop-tokenizer");
    }

    @Test
    void shortInputIsCountedWhenItsCountIsFirstNeeded() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        List<Item> input =
                CreateRequestReader.read("{\"input\": \"hello\"}".getBytes()).input();
        try (TokenCounter counter = new TokenCounter(
                O200K, new ApiProperties.Tokenizer(1, 4, DataSize.ofMegabytes(1), DataSize.ofMegabytes(1)), meters)) {
            ContextItem item = counter.count(input).block(Duration.ofSeconds(5)).getFirst();
            assertThat(meters.get("hotloop.tokenizer.items").counter().count()).isZero();

            assertThat(item.tokens()).isEqualTo(TokenCounter.ITEM_OVERHEAD + 1);
            assertThat(item.tokens()).isEqualTo(TokenCounter.ITEM_OVERHEAD + 1);
            assertThat(meters.get("hotloop.tokenizer.items").counter().count()).isOne();
        }
    }

    @Test
    void aConversationsWindowCountsItsDeferredItemsOnce() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (TokenCounter counter = new TokenCounter(
                O200K, new ApiProperties.Tokenizer(1, 4, DataSize.ofMegabytes(1), DataSize.ofMegabytes(1)), meters)) {
            Conversation first = Conversation.EMPTY.withInput(
                    counter.count(CreateRequestReader.read("{\"input\": \"hello\"}".getBytes())
                                    .input())
                            .block(Duration.ofSeconds(5)));
            Conversation second =
                    first.withOutput(counter.count(CreateRequestReader.read("{\"input\": \"hello again\"}".getBytes())
                                    .input())
                            .block(Duration.ofSeconds(5)));
            assertThat(second.uncountedChars()).isGreaterThan("hello".length() + "hello again".length());

            StepVerifier.create(counter.windowTokens(second))
                    .expectNext(2 * TokenCounter.ITEM_OVERHEAD + 1 + 2)
                    .verifyComplete();
            StepVerifier.create(counter.windowTokens(second))
                    .expectNext(2 * TokenCounter.ITEM_OVERHEAD + 1 + 2)
                    .verifyComplete();
            assertThat(second.uncountedChars()).isZero();
            assertThat(first.windowTokens()).isEqualTo(TokenCounter.ITEM_OVERHEAD + 1);
            assertThat(meters.get("hotloop.tokenizer.items").counter().count()).isEqualTo(2);
        }
    }

    @Test
    void rememberedPreamblesAreBoundedByTheirSize() {
        // each instructions text is 300,000 characters, 600 KB as the cache weighs it: the 1 MB budget holds one
        for (int i = 0; i < 10; i++) {
            String instructions = i + "instructions ".repeat(300_000 / 13);
            StepVerifier.create(COUNTER.preamble(instructions, List.<Tool>of()))
                    .expectNextCount(1)
                    .verifyComplete();
        }
        COUNTER.cleanUpPreambles();

        assertThat(COUNTER.preambleBytes())
                .isLessThanOrEqualTo(DataSize.ofMegabytes(1).toBytes());
        StepVerifier.create(COUNTER.preamble("short", List.of()))
                .expectNext(TokenCounter.ITEM_OVERHEAD + 1)
                .expectComplete()
                .verify(Duration.ofSeconds(5));
        assertThat(COUNTER.preambleBytes()).isPositive();
    }

    @Test
    void longTextsAreCountedOnceAndRememberedWithinTheirBudget() {
        TokenCounter counter = new TokenCounter(
                O200K,
                new ApiProperties.Tokenizer(1, 4, DataSize.ofMegabytes(1), DataSize.ofKilobytes(64)),
                new SimpleMeterRegistry());
        String history = "the tool answered with a long output ".repeat(100);
        String shortText = "x".repeat(TokenCounter.REMEMBERED_CHARS - 1);

        int first = counter.text(history);
        counter.text(shortText);

        assertThat(counter.text(new String(history))).isEqualTo(first).isEqualTo(O200K.countTokensOrdinary(history));
        counter.cleanUpTexts();
        assertThat(counter.textBytes()).isEqualTo(2L * history.length());
        for (int i = 0; i < 100; i++) {
            counter.text(i + history);
        }
        counter.cleanUpTexts();
        assertThat(counter.textBytes())
                .isLessThanOrEqualTo(DataSize.ofKilobytes(64).toBytes());
        counter.close();
    }
}
