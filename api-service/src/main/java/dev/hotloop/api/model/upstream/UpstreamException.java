package dev.hotloop.api.model.upstream;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * A failed call to an upstream model server, classified for the retry and failover decision. Its message is for
 * logs (it names the upstream); {@link #detail()} is what a client may be told.
 */
public final class UpstreamException extends RuntimeException {

    /** What went wrong, which decides whether another attempt can help. */
    public enum Kind {
        /** HTTP 429: the upstream's quota or queue is full; honour {@link #retryAfter()}. */
        RATE_LIMITED(true),
        /** Unreachable, HTTP 5xx or 408, an in-stream server error, a connection that closed, an open breaker. */
        UNAVAILABLE(true),
        /** No first token, or no next event, in time. */
        TIMEOUT(true),
        /** HTTP 4xx other than 408 and 429: the upstream refuses this request; another attempt would too. */
        REJECTED(false),
        /** The upstream broke the streaming protocol (unparsable chunk, not an event stream). */
        MALFORMED(false);

        private final boolean transient_;

        Kind(boolean transient_) {
            this.transient_ = transient_;
        }

        /** Whether the same request may succeed on another attempt. */
        public boolean isTransient() {
            return transient_;
        }
    }

    private final Kind kind;
    private final int status;
    private final @Nullable Duration retryAfter;
    private final @Nullable String detail;
    private final @Nullable String upstreamCode;

    public UpstreamException(
            Kind kind,
            int status,
            @Nullable Duration retryAfter,
            @Nullable String detail,
            String message,
            @Nullable Throwable cause) {
        this(kind, status, retryAfter, detail, null, message, cause);
    }

    public UpstreamException(
            Kind kind,
            int status,
            @Nullable Duration retryAfter,
            @Nullable String detail,
            @Nullable String upstreamCode,
            String message,
            @Nullable Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.status = status;
        this.retryAfter = retryAfter;
        this.detail = detail;
        this.upstreamCode = upstreamCode;
    }

    public static UpstreamException of(Kind kind, String message) {
        return new UpstreamException(kind, 0, null, null, message, null);
    }

    public Kind kind() {
        return kind;
    }

    /** The HTTP status the upstream answered, or 0 when the failure was not an HTTP status. */
    public int status() {
        return status;
    }

    /** How long a 429 asked to wait, or null when it did not say. */
    public @Nullable Duration retryAfter() {
        return retryAfter;
    }

    /**
     * What went wrong, fit for a client (no host, no key), such as {@code HTTP 503: overloaded} or
     * {@code the connection closed before the stream finished}; null when there is nothing to add to the kind.
     */
    public @Nullable String detail() {
        return detail;
    }

    /** The upstream's machine-readable error code (OpenAI's {@code error.code}), or null. */
    public @Nullable String upstreamCode() {
        return upstreamCode;
    }
}
