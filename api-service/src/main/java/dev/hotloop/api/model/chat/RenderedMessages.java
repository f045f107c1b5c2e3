package dev.hotloop.api.model.chat;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.node.ObjectNode;

/**
 * The chat messages of a context prefix as the bytes sent upstream: immutable and append-only, like the conversation
 * it renders. Each extension holds only its own messages' bytes and shares its parent's, so keeping every turn's
 * rendering of one conversation costs the conversation's bytes once.
 *
 * @param parent       the rendering this one extends, or null
 * @param chunk        the comma-separated final messages this rendering adds (a leading comma unless it starts)
 * @param length       the bytes of every chunk, parents included
 * @param open         the last message, still open to calls that join it: never changed, copied to extend
 * @param items        how many items of the context are rendered
 * @param instructions the instructions the leading system message was rendered from, or null for none
 */
record RenderedMessages(
        @Nullable RenderedMessages parent,
        byte[] chunk,
        int length,
        @Nullable ObjectNode open,
        int items,
        @Nullable String instructions) {

    /** Every chunk, parents first, written into {@code target} from {@code offset}. */
    void copyTo(byte[] target, int offset) {
        int end = offset + length;
        for (RenderedMessages part = this; part != null; part = part.parent) {
            end -= part.chunk.length;
            System.arraycopy(part.chunk, 0, target, end, part.chunk.length);
        }
    }
}
