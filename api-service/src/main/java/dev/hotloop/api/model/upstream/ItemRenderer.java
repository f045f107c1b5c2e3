package dev.hotloop.api.model.upstream;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.hotloop.protocol.item.Item;
import dev.hotloop.protocol.json.ProtocolJson;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.node.ObjectNode;

/**
 * Renders a context's items to the elements of an upstream request's array, incrementally: a context is
 * append-only, so the elements of the prefix an earlier request rendered are kept as bytes, keyed by the identity of
 * that prefix's last item (an item object belongs to one conversation, whose items before it never change), and a
 * continuation converts and encodes only its new items. A prefix whose items are no longer reachable drops out of
 * the memory with them; the kept bytes are bounded by a budget. Thread-safe.
 */
public final class ItemRenderer {

    /** How a provider turns items into array elements. */
    @FunctionalInterface
    public interface Format {

        /**
         * Converts {@code items} in order, handing each element to {@code out} once no later item can change it.
         *
         * @param open the element a rendering of the items before held back, to be continued: a copy, which this may
         *             change; null when there is none
         * @return the element held back for later items to join, or null
         */
        @Nullable
        ObjectNode convert(List<Item> items, @Nullable ObjectNode open, Consumer<ObjectNode> out);
    }

    private final Format format;
    private final Cache<Item, RenderedItems> kept;
    private final LongAdder convertedItems = new LongAdder();

    /** @param keptBytes the rendered bytes kept at most, for continuations to copy */
    public ItemRenderer(Format format, long keptBytes) {
        this.format = format;
        this.kept = Caffeine.newBuilder()
                .weakKeys()
                .maximumWeight(keptBytes)
                .<Item, RenderedItems>weigher((item, rendered) -> rendered.chunk().length)
                .build();
    }

    /** The elements of {@code context}: its longest prefix rendered before, extended by the rest; kept in turn. */
    public RenderedItems render(List<Item> context) {
        for (int last = context.size() - 1; last >= 0; last--) {
            RenderedItems prefix = kept.getIfPresent(context.get(last));
            if (prefix != null && prefix.items() == last + 1) {
                if (prefix.items() == context.size()) {
                    return prefix;
                }
                return keep(context, extend(prefix, context));
            }
        }
        return keep(context, extend(null, context));
    }

    /** The elements of {@code items} alone (a part of a context, such as the items after an upstream's response). */
    public RenderedItems renderOnce(List<Item> items) {
        return extend(null, items);
    }

    /** Items converted so far, for tests: a continuation converts only its new items. */
    public long convertedItems() {
        return convertedItems.sum();
    }

    private RenderedItems keep(List<Item> context, RenderedItems rendered) {
        if (!context.isEmpty()) {
            kept.put(context.getLast(), rendered);
        }
        return rendered;
    }

    private RenderedItems extend(@Nullable RenderedItems prefix, List<Item> context) {
        int from = prefix == null ? 0 : prefix.items();
        Chunk out = new Chunk(prefix == null || prefix.length() == 0);
        ObjectNode open =
                prefix == null || prefix.open() == null ? null : prefix.open().deepCopy();
        ObjectNode held = format.convert(context.subList(from, context.size()), open, out);
        convertedItems.add(context.size() - from);
        byte[] chunk = out.toByteArray();
        return new RenderedItems(
                prefix, chunk, (prefix == null ? 0 : prefix.length()) + chunk.length, held, context.size());
    }

    /** Final elements written as they come, comma-separated. */
    private static final class Chunk extends ByteArrayOutputStream implements Consumer<ObjectNode> {

        private boolean first;

        Chunk(boolean first) {
            this.first = first;
        }

        @Override
        public void accept(ObjectNode element) {
            if (!first) {
                write(',');
            }
            first = false;
            ProtocolJson.mapper().writeValue(this, element);
        }
    }
}
