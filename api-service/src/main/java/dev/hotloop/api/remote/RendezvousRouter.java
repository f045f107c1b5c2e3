package dev.hotloop.api.remote;

import dev.hotloop.protocol.id.ResponseIds;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Rendezvous (highest-random-weight) hashing of chains over the replicas of a dependency. Each replica scores a chain
 * with a hash of both; the highest score owns the chain, and the rest in score order are its failover order. Every
 * call of a chain thus reaches one replica while the set stands; a new replica takes over only the chains it now
 * scores highest on (about 1/n of them) and a removed one hands over only its own.
 */
public final class RendezvousRouter {

    private RendezvousRouter() {}

    /**
     * The routing key of a response id: its chain tag, 64 random bits that every response of the chain shares. A
     * malformed id owns nothing anywhere, so any replica may answer it.
     */
    public static long chainKey(String responseId) {
        return ResponseIds.isWellFormed(responseId)
                ? tagKey(ResponseIds.chainTag(responseId))
                : mix(responseId.hashCode());
    }

    /** The routing key of a chain tag (16 hex digits); anything else is hashed, so it still routes somewhere. */
    public static long tagKey(String chainTag) {
        try {
            return Long.parseUnsignedLong(chainTag, 16);
        } catch (NumberFormatException e) {
            return mix(chainTag.hashCode());
        }
    }

    /** A replica's identity in the scores: the first 64 bits of the SHA-256 of its base URL. */
    static long seed(String baseUrl) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(baseUrl.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(digest).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    static long score(long chainKey, long seed) {
        return mix(chainKey ^ seed);
    }

    /** The replicas by descending score for a chain: the owner first, then the failover order. */
    static List<Replica> order(long chainKey, List<Replica> replicas) {
        List<Replica> ordered = new ArrayList<>(replicas);
        // ties need 64 equal bits; the base URL still keeps the order total
        ordered.sort(Comparator.<Replica>comparingLong(replica -> score(chainKey, replica.seed()))
                .thenComparing(Replica::baseUrl)
                .reversed());
        return ordered;
    }

    /** MurmurHash3's 64-bit finalizer: each input bit flips each output bit with probability close to 1/2. */
    static long mix(long value) {
        long z = value;
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }
}
