package dev.hotloop.api.loop;

/**
 * Who asked for a turn, over what, and when the request arrived (the start of the turn's API overhead).
 *
 * @param startedNanos {@link System#nanoTime()} when the transport received the request
 */
public record TurnOrigin(String tenant, Transport transport, long startedNanos) {

    /** The transport a turn came in on; a low-cardinality metric tag. */
    public enum Transport {
        HTTP, SSE, WEBSOCKET;

        public String tag() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public static TurnOrigin now(String tenant, Transport transport) {
        return new TurnOrigin(tenant, transport, System.nanoTime());
    }
}
