package dev.hotloop.api.model.chat;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.hotloop.api.model.upstream.PromptCacheKeys;
import dev.hotloop.protocol.chat.ChatMessages;
import dev.hotloop.protocol.chat.ChatTools;
import dev.hotloop.protocol.item.Item;
import dev.hotloop.protocol.json.ProtocolJson;
import dev.hotloop.protocol.model.ModelRequest;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Renders the streaming {@code /chat/completions} body of one sampling step. Fields come in a fixed order and absent
 * settings are left out, so the same context renders the same bytes on every turn.
 *
 * <p>Incrementally: a context is append-only, so the messages of the prefix an earlier request rendered are kept as
 * bytes, keyed by the identity of that prefix's last item (an item object belongs to one conversation, whose items
 * before it never change), and a continuation renders only its new items. A prefix whose items are no longer
 * reachable drops out of the memory with them.
 */
final class ChatCompletionRequest {

    /** Rendered bytes kept per upstream: a few conversations of 100k tokens, the typical agent at its largest. */
    private static final long KEPT_BYTES = 64L << 20;

    /**
     * How an upstream wants its requests.
     *
     * @param model          the upstream's model name
     * @param maxTokensField {@code max_tokens} or {@code max_completion_tokens}
     * @param developerRole  the role {@code developer} messages are sent as
     * @param promptCacheKey whether to send {@code prompt_cache_key}
     */
    record Options(String model, String maxTokensField, String developerRole, boolean promptCacheKey) {}

    private final Options options;
    private final byte[] head;
    private final Cache<Item, RenderedMessages> rendered = Caffeine.newBuilder()
            .weakKeys()
            .maximumWeight(KEPT_BYTES)
            .<Item, RenderedMessages>weigher((item, messages) -> messages.chunk().length)
            .build();
    private final LongAdder convertedItems = new LongAdder();

    ChatCompletionRequest(Options options) {
        this.options = options;
        this.head = ("{\"model\":" + ProtocolJson.mapper().writeValueAsString(options.model()) + ",\"messages\":[")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** The request body, byte for byte what rendering the whole context at once gives. */
    byte[] render(ModelRequest request) {
        RenderedMessages messages = messages(request.instructions(), request.context());
        byte[] open =
                messages.open() == null ? new byte[0] : ProtocolJson.mapper().writeValueAsBytes(messages.open());
        byte[] tail = ProtocolJson.mapper().writeValueAsBytes(settings(request));
        boolean separated = messages.length() > 0 && open.length > 0;
        byte[] body = new byte[head.length + messages.length() + (separated ? 1 : 0) + open.length + tail.length + 1];
        System.arraycopy(head, 0, body, 0, head.length);
        int at = head.length;
        messages.copyTo(body, at);
        at += messages.length();
        if (separated) {
            body[at++] = ',';
        }
        System.arraycopy(open, 0, body, at, open.length);
        at += open.length;
        body[at++] = ']';
        // the settings object's fields follow the messages: its '{' becomes the ','
        body[at++] = ',';
        System.arraycopy(tail, 1, body, at, tail.length - 1);
        return body;
    }

    /** Items converted to messages so far, for tests: a continuation converts only its new items. */
    long convertedItems() {
        return convertedItems.sum();
    }

    /** The messages of {@code context}: its longest prefix rendered before, extended by the rest. */
    private RenderedMessages messages(@Nullable String instructions, List<Item> context) {
        for (int last = context.size() - 1; last >= 0; last--) {
            RenderedMessages prefix = rendered.getIfPresent(context.get(last));
            if (prefix != null && prefix.items() == last + 1 && Objects.equals(prefix.instructions(), instructions)) {
                return extend(prefix, instructions, context);
            }
        }
        return extend(null, instructions, context);
    }

    private RenderedMessages extend(
            @Nullable RenderedMessages prefix, @Nullable String instructions, List<Item> context) {
        int from = prefix == null ? 0 : prefix.items();
        if (from == context.size() && prefix != null) {
            return prefix;
        }
        Chunk out = new Chunk(prefix == null || prefix.length() == 0);
        if (prefix == null && instructions != null && !instructions.isEmpty()) {
            out.accept(ChatMessages.system(instructions));
        }
        ObjectNode open =
                prefix == null || prefix.open() == null ? null : prefix.open().deepCopy();
        ChatMessages.Converter converter = new ChatMessages.Converter(out, open);
        for (int i = from; i < context.size(); i++) {
            converter.add(context.get(i));
        }
        convertedItems.add(context.size() - from);
        byte[] bytes = out.toByteArray();
        RenderedMessages messages = new RenderedMessages(
                prefix,
                bytes,
                (prefix == null ? 0 : prefix.length()) + bytes.length,
                converter.open(),
                context.size(),
                instructions);
        if (!context.isEmpty()) {
            rendered.put(context.getLast(), messages);
        }
        return messages;
    }

    /** Final messages written as they come, comma-separated, {@code developer} turned into the upstream's role. */
    private final class Chunk extends ByteArrayOutputStream implements Consumer<ObjectNode> {

        private boolean first;

        Chunk(boolean first) {
            this.first = first;
        }

        @Override
        public void accept(ObjectNode message) {
            if (!first) {
                write(',');
            }
            first = false;
            if ("developer".equals(message.path("role").asString(""))) {
                message.put("role", options.developerRole());
            }
            writeBytes(ProtocolJson.mapper().writeValueAsBytes(message));
        }
    }

    /** Every field after {@code messages}, in their fixed order. */
    private ObjectNode settings(ModelRequest request) {
        ObjectNode body = ProtocolJson.nodes().objectNode();
        body.put("stream", true);
        body.set("stream_options", ProtocolJson.nodes().objectNode().put("include_usage", true));
        ArrayNode tools = ChatTools.toChat(request.tools());
        if (!tools.isEmpty()) {
            body.set("tools", tools);
            body.set("tool_choice", ChatTools.toolChoice(request.toolChoice()));
            if (!request.parallelToolCalls()) {
                body.put("parallel_tool_calls", false);
            }
        }
        if (request.maxOutputTokens() != null) {
            body.put(options.maxTokensField(), request.maxOutputTokens());
        }
        if (request.temperature() != null) {
            body.put("temperature", request.temperature());
        }
        if (request.topP() != null) {
            body.put("top_p", request.topP());
        }
        if (options.promptCacheKey()) {
            body.put("prompt_cache_key", PromptCacheKeys.of(request));
        }
        return body;
    }
}
