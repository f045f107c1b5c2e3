package dev.hotloop.api.model.responses;

import dev.hotloop.protocol.item.FunctionCallItem;
import dev.hotloop.protocol.item.FunctionCallOutputItem;
import dev.hotloop.protocol.item.Item;
import dev.hotloop.protocol.item.MessageItem;
import dev.hotloop.protocol.item.PassThroughItem;
import dev.hotloop.protocol.model.ModelEvent;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.node.ObjectNode;

/**
 * Which upstream response ends which context, so that a later turn can send only its new items with the upstream's
 * {@code previous_response_id}. A context is known by a digest chained over its items' meaning (role and text, call
 * id, name and arguments, call id and output; ids and status left out, since hotloop assigns its own), so a turn's
 * context matches the upstream response whose input and output it starts with. Holds the most recent
 * {@code capacity} responses; thread-safe.
 */
final class ResponseChains {

    /** An upstream response that a context starts with, and how many of the context's items it covers. */
    record Match(String upstreamId, int covered) {}

    private final Map<String, String> upstreamIds;

    ResponseChains(int capacity) {
        upstreamIds = Collections.synchronizedMap(new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
                return size() > capacity;
            }
        });
    }

    /** The digests of every prefix of {@code context}: element i covers items 0..i. */
    static List<byte[]> digests(List<Item> context) {
        List<byte[]> digests = new ArrayList<>(context.size());
        byte[] previous = new byte[0];
        for (Item item : context) {
            previous = next(previous, canonical(item));
            digests.add(previous);
        }
        return digests;
    }

    /** The known response covering the longest prefix of the context that leaves at least one item to send. */
    @Nullable
    Match longestPrefix(List<byte[]> digests) {
        for (int covered = digests.size() - 1; covered > 0; covered--) {
            String id = upstreamIds.get(key(digests.get(covered - 1)));
            if (id != null) {
                return new Match(id, covered);
            }
        }
        return null;
    }

    /** Records that {@code upstreamId} ends the context followed by the output the model streamed. */
    void remember(List<byte[]> contextDigests, List<String> output, String upstreamId) {
        byte[] digest = contextDigests.isEmpty() ? new byte[0] : contextDigests.getLast();
        for (String item : output) {
            digest = next(digest, item);
        }
        upstreamIds.put(key(digest), upstreamId);
    }

    void forget(Match match) {
        upstreamIds.values().remove(match.upstreamId());
    }

    static String canonical(Item item) {
        return switch (item) {
            // what the model wrote is known by its text alone; what clients send, by its whole content (images too)
            case MessageItem message ->
                message(
                        "message",
                        message.role(),
                        "assistant".equals(message.role())
                                ? message.text()
                                : message.json().path("content").toString());
            case FunctionCallItem call -> call(call.callId(), call.name(), call.arguments());
            case FunctionCallOutputItem output ->
                String.join(
                        "\0",
                        "function_call_output",
                        output.callId(),
                        output.json().path("output").toString());
            case PassThroughItem other -> {
                ObjectNode json = other.json().deepCopy();
                json.remove("status");
                yield json.toString();
            }
        };
    }

    /** The model's output of one step, as {@link #canonical} sees the items the engine makes of it. */
    static final class Output {

        private final List<String> items = new ArrayList<>();
        private final StringBuilder open = new StringBuilder();
        private @Nullable String callId;
        private @Nullable String name;
        private boolean messageOpen;

        void on(ModelEvent event) {
            switch (event) {
                case ModelEvent.TextDelta text -> {
                    if (!messageOpen) {
                        close();
                        messageOpen = true;
                    }
                    open.append(text.text());
                }
                case ModelEvent.FunctionCallStart start -> {
                    close();
                    callId = start.callId();
                    name = start.name();
                }
                case ModelEvent.ArgumentsDelta delta -> open.append(delta.delta());
                case ModelEvent.Finish finish -> close();
            }
        }

        List<String> items() {
            return items;
        }

        private void close() {
            if (messageOpen) {
                items.add(message("message", "assistant", open.toString()));
            } else if (callId != null && name != null) {
                items.add(call(callId, name, open.toString()));
            }
            messageOpen = false;
            callId = null;
            open.setLength(0);
        }
    }

    private static String message(String type, String role, String text) {
        return String.join("\0", type, role, text);
    }

    private static String call(String callId, String name, String arguments) {
        return String.join("\0", "function_call", callId, name, arguments);
    }

    private static byte[] next(byte[] previous, String item) {
        MessageDigest sha = sha256();
        sha.update(previous);
        sha.update(item.getBytes(StandardCharsets.UTF_8));
        return sha.digest();
    }

    private static String key(byte[] digest) {
        return java.util.HexFormat.of().formatHex(digest);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
