package dev.hotloop.simulator.streaming;

import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.IntArrayList;
import dev.hotloop.protocol.model.ModelEvent;
import dev.hotloop.simulator.reply.Reply;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Replies split into the real tokens of an encoding, cut at an output budget.
 *
 * <p>Each token releases the delta of the characters it completes; a token ending inside a multi-byte character
 * releases nothing and its bytes join the next one, so a delta is never an invalid string. A call's first token
 * also releases its {@link ModelEvent.FunctionCallStart}. The deltas concatenate to the replies' exact text, or
 * to the whole characters of the first tokens when cut at the budget.
 *
 * @param tokens    per output token, the events it releases (at most the budget)
 * @param truncated whether the replies needed more tokens than the budget
 */
public record TokenizedOutput(List<List<ModelEvent>> tokens, boolean truncated) {

    public TokenizedOutput {
        tokens = List.copyOf(tokens);
    }

    /**
     * Tokenizes message texts and call arguments, special-token text like {@code <|endoftext|>} as ordinary text.
     *
     * @param budget the most tokens to keep, or null for no limit
     */
    public static TokenizedOutput of(List<Reply> replies, Encoding encoding, @Nullable Integer budget) {
        int limit = budget == null ? Integer.MAX_VALUE : Math.max(0, budget);
        List<List<ModelEvent>> tokens = new ArrayList<>();
        boolean truncated = false;
        for (Reply reply : replies) {
            IntArrayList ids = encoding.encodeOrdinary(
                    switch (reply) {
                        case Reply.Message message -> message.text();
                        case Reply.FunctionCall call -> call.arguments();
                    });
            truncated |= tokens.size() + ids.size() > limit;
            PendingBytes pending = new PendingBytes();
            for (int i = 0; i < ids.size() && tokens.size() < limit; i++) {
                List<ModelEvent> events = new ArrayList<>(2);
                if (i == 0 && reply instanceof Reply.FunctionCall call) {
                    events.add(new ModelEvent.FunctionCallStart(call.callId(), call.name()));
                }
                String delta = pending.append(encoding.decodeBytes(single(ids.get(i))));
                if (!delta.isEmpty()) {
                    events.add(
                            reply instanceof Reply.FunctionCall
                                    ? new ModelEvent.ArgumentsDelta(delta)
                                    : new ModelEvent.TextDelta(delta));
                }
                tokens.add(List.copyOf(events));
            }
        }
        return new TokenizedOutput(tokens, truncated);
    }

    public int outputTokens() {
        return tokens.size();
    }

    private static IntArrayList single(int token) {
        IntArrayList ids = new IntArrayList(1);
        ids.add(token);
        return ids;
    }

    /** The bytes of one reply that end inside a character and wait for the next token. */
    private static final class PendingBytes {

        private byte[] bytes = new byte[0];

        /** Appends a token's bytes and takes the longest prefix made of whole characters. */
        String append(byte[] token) {
            byte[] all = Arrays.copyOf(bytes, bytes.length + token.length);
            System.arraycopy(token, 0, all, bytes.length, token.length);
            int whole = wholeCharactersLength(all);
            bytes = Arrays.copyOfRange(all, whole, all.length);
            return new String(all, 0, whole, StandardCharsets.UTF_8);
        }

        // a token has at least one byte, and what is pending starts a character
        private static int wholeCharactersLength(byte[] utf8) {
            int lastStart = utf8.length - 1;
            while (lastStart > 0 && (utf8[lastStart] & 0xC0) == 0x80) {
                lastStart--;
            }
            int lead = utf8[lastStart] & 0xFF;
            int length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
            return utf8.length - lastStart >= length ? utf8.length : lastStart;
        }
    }
}
