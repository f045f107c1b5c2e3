package dev.hotloop.api.context;

import dev.hotloop.protocol.item.Item;
import dev.hotloop.protocol.model.Compaction;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A conversation ready to continue: immutable and append-only. A continuation is its parent plus one new
 * segment, sharing the parent's segments, so branching is free and a connection cache hands it out without
 * copying. Token counts and the call ledger are carried, never recomputed.
 */
public final class Conversation {

    public static final Conversation EMPTY = new Conversation(null, List.of(), 0, 0, 0, CallLedger.EMPTY);

    /** Rough retained bytes per token and per item, for the cache memory budget. */
    private static final int BYTES_PER_TOKEN = 8;

    private static final int BYTES_PER_ITEM = 256;

    private final @Nullable Conversation parent;
    private final List<ContextItem> segment;
    private final int size;
    private final int tokens;
    private final int windowTokens;
    private final CallLedger ledger;

    private Conversation(
            @Nullable Conversation parent,
            List<ContextItem> segment,
            int size,
            int tokens,
            int windowTokens,
            CallLedger ledger) {
        this.parent = parent;
        this.segment = segment;
        this.size = size;
        this.tokens = tokens;
        this.windowTokens = windowTokens;
        this.ledger = ledger;
    }

    /** A conversation rehydrated from the store (its items are trusted: they were checked when stored). */
    public static Conversation of(List<ContextItem> items) {
        return items.isEmpty()
                ? EMPTY
                : new Conversation(
                        null,
                        List.copyOf(items),
                        items.size(),
                        sum(items),
                        windowTokens(0, items),
                        CallLedger.of(items));
    }

    /**
     * This conversation followed by a request's new {@code input}, checked against its function calls:
     * a 400 when an output answers no call or a call is left unanswered.
     */
    public Conversation withInput(List<ContextItem> input) {
        return append(input, ledger.withInput(input));
    }

    /** This conversation followed by a model's {@code output} (its calls stay open until answered). */
    public Conversation withOutput(List<ContextItem> output) {
        return append(output, ledger.withOutput(output));
    }

    private Conversation append(List<ContextItem> items, CallLedger newLedger) {
        if (items.isEmpty()) {
            return new Conversation(parent, segment, size, tokens, windowTokens, newLedger);
        }
        return new Conversation(
                this,
                List.copyOf(items),
                size + items.size(),
                tokens + sum(items),
                windowTokens(windowTokens, items),
                newLedger);
    }

    /** The window's tokens after {@code items}: counted from their last compaction item, if they hold one. */
    private static int windowTokens(int before, List<ContextItem> items) {
        int total = before;
        for (ContextItem item : items) {
            total = Compaction.isCompaction(item.item()) ? item.tokens() : total + item.tokens();
        }
        return total;
    }

    public int size() {
        return size;
    }

    public int tokens() {
        return tokens;
    }

    /** Tokens of what a model is sent: the items from the latest compaction item on ({@link Compaction#window}). */
    public int windowTokens() {
        return windowTokens;
    }

    public CallLedger ledger() {
        return ledger;
    }

    /** Estimated retained bytes, counting shared segments in full (conservative for the cache budget). */
    public long weight() {
        return (long) tokens * BYTES_PER_TOKEN + (long) size * BYTES_PER_ITEM;
    }

    /** Every item in order, in one new list (what a model is sent). */
    public List<Item> items() {
        Item[] items = new Item[size];
        int end = size;
        for (Conversation part = this; part != null; part = part.parent) {
            List<ContextItem> entries = part.segment;
            end -= entries.size();
            for (int i = 0; i < entries.size(); i++) {
                items[end + i] = entries.get(i).item();
            }
        }
        return Arrays.asList(items);
    }

    /** Every item with its token count, in order. */
    public List<ContextItem> entries() {
        List<List<ContextItem>> segments = new ArrayList<>();
        for (Conversation part = this; part != null; part = part.parent) {
            segments.add(part.segment);
        }
        List<ContextItem> entries = new ArrayList<>(size);
        for (int i = segments.size() - 1; i >= 0; i--) {
            entries.addAll(segments.get(i));
        }
        return entries;
    }

    private static int sum(List<ContextItem> items) {
        int total = 0;
        for (ContextItem item : items) {
            total += item.tokens();
        }
        return total;
    }
}
