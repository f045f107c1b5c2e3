package dev.hotloop.api.limits;

/**
 * What one call asks of its tenant's limits: always one request, plus, for a response, its estimated tokens and a
 * concurrent-response slot, or, for a WebSocket handshake, a connection slot.
 *
 * @param kind   what the call is
 * @param tokens the estimated tokens of a response (0 for the other kinds)
 */
public record Demand(Kind kind, long tokens) {

    /** What the call is, and so which slot it holds while it runs. */
    public enum Kind {
        /** Any other API call: one request, no slot. */
        CALL("calls"),
        /** A response or compaction: one request, its tokens, and a concurrent-response slot. */
        RESPONSE("responses"),
        /** A WebSocket connection: one request (the handshake) and a connection slot while it is open. */
        CONNECTION("connections");

        private final String slots;

        Kind(String slots) {
            this.slots = slots;
        }

        /** Name of the set of slots this kind holds (the Redis key's last part). */
        String slots() {
            return slots;
        }

        boolean holdsSlot() {
            return this != CALL;
        }
    }

    /** Bytes per token of the estimate: what o200k_base averages on English text and JSON. */
    static final int BYTES_PER_TOKEN = 4;

    public static Demand call() {
        return new Demand(Kind.CALL, 0);
    }

    public static Demand connection() {
        return new Demand(Kind.CONNECTION, 0);
    }

    /** A response whose request (body or frame) is {@code bytes} long; at least one token. */
    public static Demand response(long bytes) {
        return new Demand(Kind.RESPONSE, Math.max(1, (bytes + BYTES_PER_TOKEN - 1) / BYTES_PER_TOKEN));
    }
}
