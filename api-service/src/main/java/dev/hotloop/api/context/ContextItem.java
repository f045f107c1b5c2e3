package dev.hotloop.api.context;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.hotloop.protocol.item.Item;
import java.util.Objects;
import java.util.function.ToIntFunction;
import org.jspecify.annotations.Nullable;

/**
 * An item of a conversation with its token count, counted once: when the item entered the conversation, or, for a
 * short item, the first time something needs its count (a turn whose upstream reports its own usage may never).
 * Stored as {@code {"item":…,"tokens":n}}.
 */
@JsonPropertyOrder({"item", "tokens"})
public final class ContextItem {

    private final Item item;
    private final int given;
    private final @Nullable ToIntFunction<Item> counter;
    private final int chars;
    /** The deferred count once made; 0 until then (a count is never 0: every item has its framing tokens). */
    private int counted;

    /** An item already counted. */
    public ContextItem(Item item, int tokens) {
        this(item, tokens, null, 0);
    }

    private ContextItem(Item item, int given, @Nullable ToIntFunction<Item> counter, int chars) {
        this.item = item;
        this.given = given;
        this.counter = counter;
        this.chars = chars;
    }

    /**
     * An item counted by {@code counter} when its count is first needed, on the thread that needs it.
     *
     * @param chars the characters of its text, what counting it costs
     */
    public static ContextItem deferred(Item item, int chars, ToIntFunction<Item> counter) {
        return new ContextItem(item, 0, counter, chars);
    }

    @JsonProperty("item")
    public Item item() {
        return item;
    }

    /** Its tokens, counted now if they were deferred and never needed before. */
    @JsonProperty("tokens")
    public int tokens() {
        if (counter == null) {
            return given;
        }
        int tokens = counted;
        if (tokens == 0) {
            tokens = counter.applyAsInt(item);
            counted = tokens;
        }
        return tokens;
    }

    /** The characters still to count to know its tokens: 0 once counted. */
    int uncountedChars() {
        return counter == null || counted != 0 ? 0 : chars;
    }

    @Override
    public boolean equals(@Nullable Object other) {
        return other instanceof ContextItem that && item.equals(that.item) && tokens() == that.tokens();
    }

    @Override
    public int hashCode() {
        return Objects.hash(item, tokens());
    }

    @Override
    public String toString() {
        return "ContextItem[item=" + item + ", tokens=" + (uncountedChars() > 0 ? "deferred" : tokens()) + "]";
    }
}
