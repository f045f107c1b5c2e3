package dev.hotloop.simulator.server;

import com.knuddels.jtokkit.api.Encoding;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A simulated prefix cache, as vLLM, llama.cpp and OpenAI keep one: a prompt is a list of segments (tool definitions,
 * then one per message), and the tokens of its longest prefix that an earlier prompt already had are reported as
 * cached. A prompt that changes a single byte of an old segment misses from there on, so a client that does not render
 * its history identically turn after turn sees it in {@code cached_tokens}.
 *
 * <p>Token counts are remembered with the prefixes, so admitting a prompt tokenizes only its new segments. Holds the
 * most recently used {@code capacity} prefixes; thread-safe.
 */
final class PromptCache {

    /** Tokens of a prompt, and how many of them the cache held. */
    record Prompt(int tokens, int cachedTokens) {}

    private final Encoding encoding;
    private final Map<String, Integer> tokensByPrefix;

    PromptCache(Encoding encoding, int capacity) {
        this.encoding = encoding;
        this.tokensByPrefix = Collections.synchronizedMap(new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
                return size() > capacity;
            }
        });
    }

    /** Counts the prompt's tokens and its cached prefix, then remembers every prefix of it. */
    Prompt admit(List<String> segments) {
        MessageDigest sha = sha256();
        byte[] digest = new byte[0];
        int tokens = 0;
        int cached = 0;
        boolean hit = true;
        for (String segment : segments) {
            sha.update(digest);
            sha.update(segment.getBytes(StandardCharsets.UTF_8));
            digest = sha.digest();
            String key = HexFormat.of().formatHex(digest);
            Integer known = hit ? tokensByPrefix.get(key) : null;
            if (known != null) {
                tokens = known;
                cached = known;
            } else {
                hit = false;
                tokens += encoding.countTokensOrdinary(segment);
                tokensByPrefix.put(key, tokens);
            }
        }
        return new Prompt(tokens, cached);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
