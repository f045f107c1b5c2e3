package dev.hotloop.api.loop;

/**
 * Who asked for a turn, over what, and what the transport spent on it before the engine saw it.
 *
 * @param startedNanos {@link System#nanoTime()} when the turn's API overhead started (the request arrived)
 * @param decodeNanos  time spent reading and validating the request body or frame
 * @param authNanos    time spent authenticating it (0 on WebSocket: the handshake did)
 * @param showTiming   whether the terminal event should carry the turn's timing ({@code hotloop_timing})
 */
public record TurnOrigin(
        String tenant, Transport transport, long startedNanos, long decodeNanos, long authNanos, boolean showTiming) {

    /** The transport a turn came in on; a low-cardinality metric tag. */
    public enum Transport {
        HTTP,
        SSE,
        WEBSOCKET,
        BACKGROUND;

        public String tag() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public static TurnOrigin now(String tenant, Transport transport) {
        return new TurnOrigin(tenant, transport, System.nanoTime(), 0, 0, false);
    }
}
