package dev.hotloop.api.tokens;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.knuddels.jtokkit.api.Encoding;
import dev.hotloop.protocol.item.FunctionCallItem;
import dev.hotloop.protocol.item.FunctionCallOutputItem;
import dev.hotloop.protocol.item.Item;
import dev.hotloop.protocol.item.MessageItem;
import dev.hotloop.protocol.item.PassThroughItem;
import dev.hotloop.protocol.tool.Tool;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Counts tokens as the model would see the rendered prompt (o200k_base), item by item, so that a
 * continuation counts only its new items and carries the rest. Instructions and tool definitions, which
 * agents resend unchanged every turn, are counted once and remembered.
 */
public class TokenCounter {

    /** Per-item framing tokens of a chat-style render (role and separators). */
    static final int ITEM_OVERHEAD = 4;

    private record Preamble(@Nullable String instructions, List<Tool> tools) {
    }

    private final Encoding encoding;
    private final Counter itemsCounted;
    private final Cache<Preamble, Integer> preambles = Caffeine.newBuilder().maximumSize(1_024).build();

    public TokenCounter(Encoding encoding, MeterRegistry meters) {
        this.encoding = encoding;
        this.itemsCounted = Counter.builder("hotloop.tokenizer.items")
                .description("Conversation items tokenized (each item once, when it enters a conversation)")
                .register(meters);
    }

    public Encoding encoding() {
        return encoding;
    }

    public int count(Item item) {
        itemsCounted.increment();
        return ITEM_OVERHEAD + switch (item) {
            case MessageItem message -> text(message.text());
            case FunctionCallItem call -> text(call.name()) + text(call.arguments());
            case FunctionCallOutputItem output -> text(output.outputText());
            case PassThroughItem other -> text(other.json().toString());
        };
    }

    /** Tokens of the parts that are not items: instructions and tool definitions. */
    public int preamble(@Nullable String instructions, List<Tool> tools) {
        if (instructions == null && tools.isEmpty()) {
            return 0;
        }
        return preambles.get(new Preamble(instructions, tools), key -> {
            int tokens = instructions == null ? 0 : ITEM_OVERHEAD + text(instructions);
            for (Tool tool : tools) {
                tokens += text(tool.json().toString());
            }
            return tokens;
        });
    }

    public int text(String text) {
        return text == null || text.isEmpty() ? 0 : encoding.countTokensOrdinary(text);
    }
}
