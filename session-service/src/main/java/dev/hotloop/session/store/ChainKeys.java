package dev.hotloop.session.store;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import dev.hotloop.protocol.id.ResponseIds;

/**
 * The Redis keys of one response and of its chain. Every key carries the chain tag as hash tag, so a chain
 * lives in one Redis Cluster slot; the tenant is part of the record key, so another tenant reads nothing.
 *
 * <pre>
 * hl:{tag}:r:&lt;tenant&gt;:&lt;id&gt;  HASH  response (JSON without output), depth, outputs, own, checkpoint, parent
 * hl:{tag}:items               LIST  every item of the chain, stored once: {"tokens":n,"item":{…}}
 * hl:{tag}:meta                HASH  live, children:&lt;ref&gt;, retained:&lt;ref&gt; (see delete-response.lua)
 * </pre>
 *
 * @param chainTag the chain tag of the response id
 * @param tenant a valid tenant
 * @param responseId a well-formed response id
 */
record ChainKeys(String chainTag, String tenant, String responseId) {

    private static final Pattern TENANT = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    /** The keys of a response, or empty when the tenant or the id is malformed and so owns nothing. */
    static Optional<ChainKeys> of(String tenant, String responseId) {
        if (!isValidTenant(tenant) || !ResponseIds.isWellFormed(responseId)) {
            return Optional.empty();
        }
        return Optional.of(new ChainKeys(ResponseIds.chainTag(responseId), tenant, responseId));
    }

    static boolean isValidTenant(String tenant) {
        return tenant != null && TENANT.matcher(tenant).matches();
    }

    String record() {
        return prefix() + "r:" + tenant + ":" + responseId;
    }

    String items() {
        return prefix() + "items";
    }

    String meta() {
        return prefix() + "meta";
    }

    /** How the chain meta names this response: tenant and id, unique within the chain. */
    String ref() {
        return tenant + ":" + responseId;
    }

    /** The keys every read script declares: record, chain items, chain meta. */
    List<String> readKeys() {
        return List.of(record(), items(), meta());
    }

    private String prefix() {
        return "hl:{" + chainTag + "}:";
    }
}
