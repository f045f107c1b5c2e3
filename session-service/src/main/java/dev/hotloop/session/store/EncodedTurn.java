package dev.hotloop.session.store;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One turn to store, already encoded by {@link RecordCodec}.
 *
 * @param id the response id, well-formed, with the parent's chain tag when there is a parent
 * @param previousId the parent response id, or {@code null} for the first turn of a chain
 * @param response the response JSON without output
 * @param input the elements of this turn's new input items
 * @param output the elements of this response's output items
 */
public record EncodedTurn(
        String id, @Nullable String previousId, String response, List<String> input, List<String> output) {}
