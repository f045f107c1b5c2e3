package dev.hotloop.api.model.upstream;

import dev.hotloop.protocol.item.Item;
import dev.hotloop.protocol.item.MessageItem;
import dev.hotloop.protocol.model.ModelRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.node.ObjectNode;

/** The {@code prompt_cache_key} sent upstream, so that an upstream routes one conversation to one prefix cache. */
public final class PromptCacheKeys {

    private PromptCacheKeys() {}

    /**
     * The request's own key, else one derived from the conversation's start (model, instructions, tools and the items
     * up to the first user message, ids and status left out): the same on every turn of a conversation, different
     * between conversations that share only a system prompt.
     */
    public static String of(ModelRequest request) {
        if (request.promptCacheKey() != null && !request.promptCacheKey().isBlank()) {
            return request.promptCacheKey();
        }
        MessageDigest sha = sha256();
        update(sha, request.model());
        update(sha, request.instructions());
        request.tools().forEach(tool -> update(sha, tool.json().toString()));
        for (Item item : request.context()) {
            ObjectNode json = item.json().deepCopy();
            json.remove("id");
            json.remove("status");
            update(sha, json.toString());
            if (item instanceof MessageItem message && "user".equals(message.role())) {
                break;
            }
        }
        return "hotloop-" + HexFormat.of().formatHex(sha.digest(), 0, 16);
    }

    private static void update(MessageDigest sha, @Nullable String text) {
        sha.update((text == null ? "" : text).getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
