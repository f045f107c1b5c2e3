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
 * copying. Token counts and the call ledger are carried, never recomputed; the window's tokens are summed when first
 * asked for, so a conversation whose items' counts were deferred ({@link ContextItem#deferred}) counts nothing until
 * then.
 */
public final class Conversation {

    public static final Conversation EMPTY = new Conversation(null, List.of(), 0, 0, 0, CallLedger.EMPTY);

    /** Rough retained bytes per token, per character of a not yet counted item and per item, for cache budgets. */
    private static final int BYTES_PER_TOKEN = 8;

    private static final int BYTES_PER_CHAR = 2;
    private static final int BYTES_PER_ITEM = 256;

    /** A conversation's window tokens, once summed. */
    private record Counts(int windowTokens) {

        static final Counts NONE = new Counts(0);

        /** The window after {@code items}: counted from their last compaction item, if they hold one. */
        Counts after(List<ContextItem> items) {
            int window = windowTokens;
            for (ContextItem item : items) {
                window = Compaction.isCompaction(item.item()) ? item.tokens() : window + item.tokens();
            }
            return new Counts(window);
        }
    }

    private final @Nullable Conversation parent;
    private final List<ContextItem> segment;
    private final int size;
    private final long weight;
    /** Characters of deferred counts in this conversation not known to be counted: a bound on what counting costs. */
    private final long uncountedChars;

    private final CallLedger ledger;
    /** Null until first asked for, then never changed (racing threads sum the same). */
    private @Nullable Counts counts;

    private Conversation(
            @Nullable Conversation parent,
            List<ContextItem> segment,
            int size,
            long weight,
            long uncountedChars,
            CallLedger ledger) {
        this.parent = parent;
        this.segment = segment;
        this.size = size;
        this.weight = weight;
        this.uncountedChars = uncountedChars;
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
                        weight(items),
                        uncountedChars(items),
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
            Conversation same = new Conversation(parent, segment, size, weight, uncountedChars, newLedger);
            same.counts = counts;
            return same;
        }
        return new Conversation(
                this,
                List.copyOf(items),
                size + items.size(),
                weight + weight(items),
                (counts == null ? uncountedChars : 0) + uncountedChars(items),
                newLedger);
    }

    /** Estimated retained bytes of {@code items}: by their tokens, or their characters while not counted. */
    private static long weight(List<ContextItem> items) {
        long bytes = 0;
        for (ContextItem item : items) {
            int chars = item.uncountedChars();
            bytes += BYTES_PER_ITEM
                    + (chars > 0 ? (long) chars * BYTES_PER_CHAR : (long) item.tokens() * BYTES_PER_TOKEN);
        }
        return bytes;
    }

    private static long uncountedChars(List<ContextItem> items) {
        long chars = 0;
        for (ContextItem item : items) {
            chars += item.uncountedChars();
        }
        return chars;
    }

    public int size() {
        return size;
    }

    /**
     * Tokens of what a model is sent: the items from the latest compaction item on ({@link Compaction#window}),
     * counting the deferred ones now: see {@link #uncountedChars()} for the cost.
     */
    public int windowTokens() {
        return counts().windowTokens();
    }

    /**
     * The window's tokens as far as they are known, counting nothing: exact once summed, else the window of its
     * latest part that was (a lower bound).
     */
    public int countedWindowTokens() {
        for (Conversation part = this; part != null; part = part.parent) {
            Counts known = part.counts;
            if (known != null) {
                return known.windowTokens();
            }
        }
        return 0;
    }

    /** At most how many characters asking for its tokens counts: 0 once they are known. */
    public long uncountedChars() {
        return counts == null ? uncountedChars : 0;
    }

    public CallLedger ledger() {
        return ledger;
    }

    /** Estimated retained bytes, counting shared segments in full (conservative for the cache budget); fixed. */
    public long weight() {
        return weight;
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

    /** The counts, summed over the segments not summed before, oldest first. */
    private Counts counts() {
        Counts known = counts;
        if (known != null) {
            return known;
        }
        List<Conversation> unsummed = new ArrayList<>();
        Conversation part = this;
        while (part != null && (known = part.counts) == null) {
            unsummed.add(part);
            part = part.parent;
        }
        Counts summed = known == null ? Counts.NONE : known;
        for (int i = unsummed.size() - 1; i >= 0; i--) {
            Conversation next = unsummed.get(i);
            summed = summed.after(next.segment);
            next.counts = summed;
        }
        return summed;
    }
}
