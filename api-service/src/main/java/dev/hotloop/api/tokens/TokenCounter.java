package dev.hotloop.api.tokens;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.knuddels.jtokkit.api.Encoding;
import dev.hotloop.api.config.ApiProperties;
import dev.hotloop.api.context.ContextItem;
import dev.hotloop.api.context.Conversation;
import dev.hotloop.protocol.error.ApiException;
import dev.hotloop.protocol.item.FunctionCallItem;
import dev.hotloop.protocol.item.FunctionCallOutputItem;
import dev.hotloop.protocol.item.Item;
import dev.hotloop.protocol.item.MessageItem;
import dev.hotloop.protocol.item.PassThroughItem;
import dev.hotloop.protocol.tool.Tool;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.RejectedExecutionException;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.JsonNode;

/**
 * Counts tokens as the model would see the rendered prompt (o200k_base), item by item, so that a
 * continuation counts only its new items and carries the rest. Instructions and tool definitions, which
 * agents resend unchanged every turn, are counted once and remembered, within a memory budget.
 *
 * <p>Cost is bounded: a text reaches the tokenizer in chunks of at most {@value #CHUNK_CHARS} characters, cut
 * where the tokenizer's own pre-split would cut (before whitespace) when there is such a place, so counts are exact
 * for ordinary text; a text longer than {@value #EXACT_CHARS} characters is counted exactly up to there and
 * extrapolated beyond. Anything longer than {@value #INLINE_CHARS} characters is counted on the tokenizer's own
 * bounded threads, never on the caller's event loop.
 */
public class TokenCounter implements AutoCloseable {

    /** Per-item framing tokens of a chat-style render (role and separators). */
    static final int ITEM_OVERHEAD = 4;
    /** Longest piece handed to the BPE at once: its cost grows faster than linearly with a piece's length. */
    static final int CHUNK_CHARS = 1_024;
    /** Beyond this a text's count is extrapolated from its prefix's, so no text costs more than a fraction of a second. */
    static final int EXACT_CHARS = 256 * 1_024;
    /** From this length on a text's count is remembered: hashing it costs far less than counting it again. */
    static final int REMEMBERED_CHARS = 256;
    /** Below this, counting takes microseconds: less than handing it to another thread. */
    static final int INLINE_CHARS = 8 * 1_024;

    private record Preamble(@Nullable String instructions, List<Tool> tools) {}

    /** A remembered preamble count and the bytes its key holds. */
    private record Counted(int tokens, int bytes) {}

    private final Encoding encoding;
    private final Counter itemsCounted;
    private final Scheduler scheduler;
    private final Cache<Preamble, Counted> preambles;
    private final Cache<String, Integer> texts;

    public TokenCounter(Encoding encoding, ApiProperties.Tokenizer settings, MeterRegistry meters) {
        this.encoding = encoding;
        this.itemsCounted = Counter.builder("hotloop.tokenizer.items")
                .description("Conversation items tokenized (each item once, when its count is first needed)")
                .register(meters);
        this.scheduler =
                Schedulers.newBoundedElastic(settings.threads(), settings.maxQueued(), "hotloop-tokenizer", 60, true);
        this.preambles = Caffeine.newBuilder()
                .maximumWeight(settings.preambleCacheSize().toBytes())
                .weigher((Preamble key, Counted counted) -> counted.bytes())
                .build();
        // a client that resends its whole history every turn (store:false over HTTP) has each text counted once
        this.texts = Caffeine.newBuilder()
                .maximumWeight(settings.textCacheSize().toBytes())
                .weigher((String text, Integer tokens) -> 2 * text.length())
                .build();
    }

    public Encoding encoding() {
        return encoding;
    }

    /**
     * Each item with its token count. Items that together are short are counted only when their count is first
     * needed ({@link ContextItem#deferred}): it may never be, when the upstream reports its usage. Long ones are
     * counted now, off the caller's thread.
     */
    public Mono<List<ContextItem>> count(List<Item> items) {
        int[] chars = new int[items.size()];
        long total = 0;
        for (int i = 0; i < chars.length && total < INLINE_CHARS; i++) {
            long itemChars = textChars(items.get(i).json(), INLINE_CHARS - total);
            chars[i] = (int) Math.min(itemChars, INLINE_CHARS);
            total += itemChars;
        }
        if (total < INLINE_CHARS) {
            List<ContextItem> deferred = new ArrayList<>(items.size());
            for (int i = 0; i < chars.length; i++) {
                deferred.add(ContextItem.deferred(items.get(i), chars[i], this::count));
            }
            return Mono.just(deferred);
        }
        return counted(total, () -> {
            List<ContextItem> counted = new ArrayList<>(items.size());
            for (Item item : items) {
                counted.add(new ContextItem(item, count(item)));
            }
            return counted;
        });
    }

    /**
     * The tokens of {@code conversation}'s window ({@link Conversation#windowTokens}), counting the items whose count
     * was deferred: inline when they are short, else off the caller's thread.
     */
    public Mono<Integer> windowTokens(Conversation conversation) {
        long chars = conversation.uncountedChars();
        return chars == 0 ? Mono.just(conversation.windowTokens()) : counted(chars, conversation::windowTokens);
    }

    /** Tokens of the parts that are not items: instructions and tool definitions; remembered, so usually inline. */
    public Mono<Integer> preamble(@Nullable String instructions, List<Tool> tools) {
        if (instructions == null && tools.isEmpty()) {
            return Mono.just(0);
        }
        Preamble key = new Preamble(instructions, tools);
        Counted known = preambles.getIfPresent(key);
        if (known != null) {
            return Mono.just(known.tokens());
        }
        long chars = instructions == null ? 0 : instructions.length();
        for (Tool tool : tools) {
            chars += textChars(tool.json(), INLINE_CHARS - chars);
        }
        return counted(chars, () -> preambles.get(key, this::countPreamble).tokens());
    }

    /** Tokens of one text, at bounded cost; runs on the caller's thread. */
    public int text(String text) {
        if (text == null || text.isEmpty()) {
            return 0;
        }
        return text.length() < REMEMBERED_CHARS ? countText(text) : texts.get(text, this::countText);
    }

    private int countText(String text) {
        int exact = Math.min(text.length(), EXACT_CHARS);
        long tokens = 0;
        for (int start = 0; start < exact; ) {
            int end = chunkEnd(text, start, exact);
            tokens += encoding.countTokensOrdinary(text.substring(start, end));
            start = end;
        }
        return (int) Math.min(Integer.MAX_VALUE, tokens * text.length() / exact);
    }

    int count(Item item) {
        itemsCounted.increment();
        return ITEM_OVERHEAD
                + switch (item) {
                    case MessageItem message -> text(message.text());
                    case FunctionCallItem call -> text(call.name()) + text(call.arguments());
                    case FunctionCallOutputItem output -> text(output.outputText());
                    case PassThroughItem other -> text(other.json().toString());
                };
    }

    /* for testing */ long preambleBytes() {
        return preambles.policy().eviction().orElseThrow().weightedSize().orElseThrow();
    }

    /* for testing */ void cleanUpPreambles() {
        preambles.cleanUp();
    }

    /* for testing */ long textBytes() {
        return texts.policy().eviction().orElseThrow().weightedSize().orElseThrow();
    }

    /* for testing */ void cleanUpTexts() {
        texts.cleanUp();
    }

    @Override
    public void close() {
        scheduler.dispose();
    }

    private Counted countPreamble(Preamble preamble) {
        int tokens = 0;
        long chars = 0;
        if (preamble.instructions() != null) {
            tokens += ITEM_OVERHEAD + text(preamble.instructions());
            chars += preamble.instructions().length();
        }
        for (Tool tool : preamble.tools()) {
            String json = tool.json().toString();
            tokens += text(json);
            chars += json.length();
        }
        // a Java string holds at most two bytes per character
        return new Counted(tokens, (int) Math.min(Integer.MAX_VALUE, 2 * chars));
    }

    /** Runs the count inline when short, else on the tokenizer's threads; a full queue is a 503 overloaded. */
    private <T> Mono<T> counted(long chars, Callable<T> count) {
        Mono<T> counting = Mono.fromCallable(count);
        if (chars < INLINE_CHARS) {
            return counting;
        }
        return counting.subscribeOn(scheduler)
                .onErrorMap(
                        RejectedExecutionException.class,
                        e -> ApiException.unavailable(
                                "server_is_overloaded",
                                "The server is overloaded: too many long inputs are "
                                        + "being counted. Please retry later."));
    }

    /**
     * Where the chunk starting at {@code start} ends: before the last whitespace that follows a non-whitespace
     * character in its second half (a boundary of the tokenizer's own pre-split), else at the limit, never inside a
     * surrogate pair.
     */
    static int chunkEnd(String text, int start, int limit) {
        int end = start + CHUNK_CHARS;
        if (end >= limit) {
            return limit;
        }
        for (int cut = end; cut > start + CHUNK_CHARS / 2; cut--) {
            if (Character.isWhitespace(text.charAt(cut)) && !Character.isWhitespace(text.charAt(cut - 1))) {
                return cut;
            }
        }
        return Character.isHighSurrogate(text.charAt(end - 1)) ? end - 1 : end;
    }

    /** The characters of the strings (values and names) under {@code node}; stops counting once past {@code limit}. */
    static long textChars(JsonNode node, long limit) {
        if (node.isString()) {
            return node.stringValue().length();
        }
        long chars = 0;
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                if (chars > limit) {
                    break;
                }
                chars += field.getKey().length() + textChars(field.getValue(), limit - chars);
            }
        } else {
            for (JsonNode element : node) {
                if (chars > limit) {
                    break;
                }
                chars += 1 + textChars(element, limit - chars);
            }
        }
        return chars;
    }
}
