package dev.hotloop.protocol.id;

import java.util.List;
import java.util.Optional;

/**
 * The Redis layout: every key, and the invalidation channel, is named here. Every key of a response carries its
 * chain tag as hash tag, so a chain lives in one Redis Cluster slot; the tenant is part of the record key, so another
 * tenant reads nothing.
 *
 * <pre>
 * hl:{tag}:r:&lt;tenant&gt;:&lt;id&gt;  HASH     response (JSON without output), depth, outputs, own, checkpoint, parent
 * hl:{tag}:items               LIST     every item of the chain, stored once: {"tokens":n,"item":{…}}
 * hl:{tag}:meta                HASH     live, children:&lt;ref&gt;, retained:&lt;ref&gt; (see delete-response.lua)
 * hl:{ctag}:c:&lt;tenant&gt;:&lt;id&gt;        HASH  conversation: created_at, metadata (JSON), version, seq
 * hl:{ctag}:c:&lt;tenant&gt;:&lt;id&gt;:items  HASH  item id → {"tokens":n,"item":{…}}
 * hl:{ctag}:c:&lt;tenant&gt;:&lt;id&gt;:order  ZSET  item ids scored by their position, which only grows
 * hl:{tag}:e:&lt;tenant&gt;:&lt;id&gt;  STREAM   the response's streamed events, entry id {@code <sequence_number + 1>-0} (api-service)
 * hl:invalidate                channel  the ref of every deleted response, for the replicas' near caches
 * </pre>
 *
 * @param chainTag the chain tag of the response id
 * @param tenant a valid tenant
 * @param responseId a well-formed response id
 */
public record ChainKeys(String chainTag, String tenant, String responseId) {

    /**
     * The pub/sub channel on which every successful delete publishes the response's {@link #ref()}, atomically with
     * the delete.
     */
    public static final String INVALIDATIONS = "hl:invalidate";

    private static final String PREFIX = "hl:";

    /** The keys of a response, or empty when the tenant or the id is malformed and so owns nothing. */
    public static Optional<ChainKeys> of(String tenant, String responseId) {
        if (!TenantIds.isValid(tenant) || !ResponseIds.isWellFormed(responseId)) {
            return Optional.empty();
        }
        return Optional.of(new ChainKeys(ResponseIds.chainTag(responseId), tenant, responseId));
    }

    /** The keys of a conversation, or empty when the tenant or the id is malformed and so owns nothing. */
    public static Optional<ConversationKeys> conversation(String tenant, String conversationId) {
        if (!TenantIds.isValid(tenant) || !ConversationIds.isWellFormed(conversationId)) {
            return Optional.empty();
        }
        String record = PREFIX + "{" + ConversationIds.tag(conversationId) + "}:c:" + tenant + ":" + conversationId;
        return Optional.of(new ConversationKeys(record, record + ":items", record + ":order"));
    }

    /**
     * The keys of one conversation, all in its tag's slot.
     *
     * @param record the conversation's own fields
     * @param items its items by id
     * @param order its item ids in order
     */
    public record ConversationKeys(String record, String items, String order) {

        /** The keys every conversation script declares, in this order. */
        public List<String> all() {
            return List.of(record, items, order);
        }
    }

    /** The keys of the response a {@link #ref()} names, or empty when it names none. */
    public static Optional<ChainKeys> ofRef(String ref) {
        int colon = ref.indexOf(':');
        return colon < 0 ? Optional.empty() : of(ref.substring(0, colon), ref.substring(colon + 1));
    }

    /** A {@code SCAN} pattern matching every key of the chain tagged {@code chainTag}. */
    public static String chainPattern(String chainTag) {
        return chainPrefix(chainTag) + "*";
    }

    public String record() {
        return chainPrefix(chainTag) + "r:" + tenant + ":" + responseId;
    }

    public String items() {
        return chainPrefix(chainTag) + "items";
    }

    public String meta() {
        return chainPrefix(chainTag) + "meta";
    }

    /** The response's resumable event stream, written and read by api-service. */
    public String events() {
        return chainPrefix(chainTag) + "e:" + tenant + ":" + responseId;
    }

    /** How the chain meta and the invalidations name this response: tenant and id (a tenant holds no colon). */
    public String ref() {
        return tenant + ":" + responseId;
    }

    /** The keys every read script declares: record, chain items, chain meta. */
    public List<String> readKeys() {
        return List.of(record(), items(), meta());
    }

    private static String chainPrefix(String chainTag) {
        return PREFIX + "{" + chainTag + "}:";
    }
}
