package dev.hotloop.api.model.upstream;

import dev.hotloop.protocol.json.ProtocolJson;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.node.ObjectNode;

/**
 * The elements a context prefix's items render to in an upstream request's array (chat messages, Responses input
 * items), as the bytes sent: immutable and append-only, like the conversation they render. Each extension holds only
 * its own elements' bytes and shares its parent's, so keeping every turn's rendering of one conversation costs the
 * conversation's bytes once.
 *
 * @param parent the rendering this one extends, or null
 * @param chunk  the comma-separated final elements this rendering adds (a leading comma unless it starts)
 * @param length the bytes of every chunk, parents included
 * @param open   the last element, still open to items that join it: never changed, copied to extend
 * @param items  how many items of the context are rendered
 */
public record RenderedItems(
        @Nullable RenderedItems parent,
        byte[] chunk,
        int length,
        @Nullable ObjectNode open,
        int items) {

    private static final byte[] NONE = new byte[0];

    /**
     * The fields of {@code fields}, then {@code array} opened: the head of a body that {@link #body} completes.
     */
    public static byte[] head(ObjectNode fields, String array) {
        byte[] object = ProtocolJson.mapper().writeValueAsBytes(fields);
        byte[] opened = ((object.length > 2 ? "," : "") + ProtocolJson.mapper().writeValueAsString(array) + ":[")
                .getBytes(StandardCharsets.UTF_8);
        byte[] head = new byte[object.length - 1 + opened.length];
        System.arraycopy(object, 0, head, 0, object.length - 1);
        System.arraycopy(opened, 0, head, object.length - 1, opened.length);
        return head;
    }

    /**
     * A JSON object: {@code head} (its fields up to the array's opening bracket, from {@link #head}), the
     * array's elements ({@code lead}, then these items), then the fields of {@code after}.
     */
    public byte[] body(byte[] head, @Nullable ObjectNode lead, ObjectNode after) {
        byte[] first = lead == null ? NONE : ProtocolJson.mapper().writeValueAsBytes(lead);
        byte[] last = open == null ? NONE : ProtocolJson.mapper().writeValueAsBytes(open);
        byte[] tail = ProtocolJson.mapper().writeValueAsBytes(after);
        boolean afterFirst = first.length > 0 && length + last.length > 0;
        boolean beforeLast = last.length > 0 && first.length + length > 0;
        boolean fieldsAfter = tail.length > 2;
        byte[] body = new byte
                [head.length
                        + first.length
                        + (afterFirst ? 1 : 0)
                        + length
                        + (beforeLast ? 1 : 0)
                        + last.length
                        + 1
                        + (fieldsAfter ? tail.length : 1)];
        System.arraycopy(head, 0, body, 0, head.length);
        int at = head.length;
        System.arraycopy(first, 0, body, at, first.length);
        at += first.length;
        if (afterFirst) {
            body[at++] = ',';
        }
        copyTo(body, at);
        at += length;
        if (beforeLast) {
            body[at++] = ',';
        }
        System.arraycopy(last, 0, body, at, last.length);
        at += last.length;
        body[at++] = ']';
        // the fields of after follow the array: its '{' becomes the ',' (or, with none, its "{}" the closing '}')
        if (fieldsAfter) {
            body[at++] = ',';
            System.arraycopy(tail, 1, body, at, tail.length - 1);
        } else {
            body[at] = '}';
        }
        return body;
    }

    /** Every chunk, parents first, written into {@code target} from {@code offset}. */
    private void copyTo(byte[] target, int offset) {
        int end = offset + length;
        for (RenderedItems part = this; part != null; part = part.parent) {
            end -= part.chunk.length;
            System.arraycopy(part.chunk, 0, target, end, part.chunk.length);
        }
    }
}
