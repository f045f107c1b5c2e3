package dev.hotloop.api.limits;

import dev.hotloop.protocol.error.ApiException;
import dev.hotloop.protocol.error.OpenAiError;
import dev.hotloop.protocol.event.ResponseEvent;
import dev.hotloop.protocol.response.Usage;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import reactor.core.publisher.Signal;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

/**
 * The answer to one call's check: admitted or refused, and the tenant's standing for OpenAI's {@code x-ratelimit-*}
 * headers. An admitted response or connection holds a slot until {@link #release()}; a response's actual token
 * usage, reported through the Reactor context ({@link #releaseAtEnd}), settles its estimate on release.
 */
public final class Grant {

    /** Retry hint for a refusal by a slot limit, whose end no one can predict. */
    private static final long SLOT_RETRY_MILLIS = 1_000;

    private final String tenant;
    private final LimitsProperties.Limits limits;
    private final Demand demand;
    private final Tally tally;
    private final String slot;
    private final QuotaStore store;
    private final TenantLimiter limiter;
    private final AtomicLong usedTokens = new AtomicLong(-1);
    private final AtomicBoolean released = new AtomicBoolean();

    Grant(
            String tenant,
            LimitsProperties.Limits limits,
            Demand demand,
            Tally tally,
            String slot,
            QuotaStore store,
            TenantLimiter limiter) {
        this.tenant = tenant;
        this.limits = limits;
        this.demand = demand;
        this.tally = tally;
        this.slot = slot;
        this.store = store;
        this.limiter = limiter;
    }

    public boolean admitted() {
        return tally.refused() == null;
    }

    /**
     * At a response's terminal event in {@code signal}, settles the grant in its context with the response's usage and
     * frees its slot, before the client sees the event: a client that sends its next request the moment this one
     * ends must find the slot free (the release goes out on the limiter's connection ahead of that request's check).
     * For {@code doOnEach} on a response's event stream.
     */
    public static void releaseAtEnd(Signal<? extends ResponseEvent> signal) {
        if (signal.isOnNext() && signal.get() instanceof ResponseEvent.Lifecycle event && event.terminal()) {
            in(signal.getContextView()).ifPresent(grant -> {
                Usage usage = event.response().usage();
                if (usage != null) {
                    grant.used(usage.totalTokens());
                }
                grant.release();
            });
        }
    }

    /** Records what the response actually used, to settle its estimate on release. */
    void used(long tokens) {
        usedTokens.set(tokens);
    }

    /** The grant a call runs under, from its Reactor context. */
    public static Optional<Grant> in(ContextView context) {
        return context.getOrEmpty(Grant.class);
    }

    /** {@code context} with this grant in it, so that the response running under it can report its usage. */
    public Context into(Context context) {
        return context.put(Grant.class, this);
    }

    /**
     * Frees the grant's slot and settles its tokens (estimate against reported usage), once; nothing for a refused
     * grant or a plain call. Runs in the background: no response waits on it.
     */
    public void release() {
        if (admitted() && demand.kind().holdsSlot() && released.compareAndSet(false, true)) {
            long used = usedTokens.get();
            limiter.release(this, used < 0 ? 0 : demand.tokens() - used);
        }
    }

    /** The limit that refused the call ({@code requests}, {@code tokens}, {@code responses}, {@code connections}). */
    @Nullable
    String refusedLimit() {
        return tally.refused();
    }

    String tenant() {
        return tenant;
    }

    LimitsProperties.Limits limits() {
        return limits;
    }

    public Demand.Kind kind() {
        return demand.kind();
    }

    String slot() {
        return slot;
    }

    QuotaStore store() {
        return store;
    }

    /** OpenAI's rate-limit headers, sent on every response, refused or not. */
    public void writeHeaders(HttpHeaders headers) {
        headers.set("x-ratelimit-limit-requests", Integer.toString(limits.requestsPerMinute()));
        headers.set("x-ratelimit-remaining-requests", Long.toString(remaining(tally.requestsLeft())));
        headers.set(
                "x-ratelimit-reset-requests",
                duration(refillMillis(tally.requestsLeft(), limits.requestsPerMinute(), limits.requestsPerMinute())));
        headers.set("x-ratelimit-limit-tokens", Integer.toString(limits.tokensPerMinute()));
        headers.set("x-ratelimit-remaining-tokens", Long.toString(remaining(tally.tokensLeft())));
        headers.set(
                "x-ratelimit-reset-tokens",
                duration(refillMillis(tally.tokensLeft(), limits.tokensPerMinute(), limits.tokensPerMinute())));
        if (!admitted()) {
            headers.set(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, (retryAfterMillis() + 999) / 1000)));
        }
    }

    /** The 429 of a refused call, worded as OpenAI words its own; null when admitted. */
    public @Nullable ApiException refusal() {
        String refused = tally.refused();
        if (refused == null) {
            return null;
        }
        String wait = duration(retryAfterMillis());
        String message = switch (refused) {
            case "requests" ->
                "Rate limit reached for tenant " + tenant + " on requests per min (RPM): Limit "
                        + limits.requestsPerMinute() + ", Used "
                        + used(tally.requestsLeft(), limits.requestsPerMinute())
                        + ", Requested 1. Please try again in " + wait + ".";
            case "tokens" ->
                demand.tokens() > limits.tokensPerMinute()
                        ? "Request too large for tenant " + tenant + " on tokens per min (TPM): Limit "
                                + limits.tokensPerMinute() + ", Requested " + demand.tokens()
                                + ". The input or output tokens must be reduced in order to run successfully."
                        : "Rate limit reached for tenant " + tenant + " on tokens per min (TPM): Limit "
                                + limits.tokensPerMinute() + ", Used "
                                + used(tally.tokensLeft(), limits.tokensPerMinute())
                                + ", Requested " + demand.tokens() + ". Please try again in " + wait + ".";
            case "responses" ->
                "Rate limit reached for tenant " + tenant + " on concurrent responses: Limit "
                        + limits.concurrentResponses() + ", In progress " + tally.slotsHeld()
                        + ". Please try again once one of them has finished.";
            default ->
                "Rate limit reached for tenant " + tenant + " on open WebSocket connections: Limit "
                        + limits.websocketConnections() + ", Open " + tally.slotsHeld()
                        + ". Close one before opening another.";
        };
        return new ApiException(
                429,
                new OpenAiError(
                        message, refused.equals("tokens") ? "tokens" : "requests", null, "rate_limit_exceeded"));
    }

    /** How long until the refused call would pass (for slots, a guess). */
    private long retryAfterMillis() {
        return switch (tally.refused()) {
            case "requests" -> refillMillis((double) tally.requestsLeft(), 1, limits.requestsPerMinute());
            case "tokens" ->
                refillMillis((double) tally.tokensLeft(), (double) demand.tokens(), limits.tokensPerMinute());
            case null, default -> SLOT_RETRY_MILLIS;
        };
    }

    /** Time for a bucket at {@code level} to reach {@code target}, refilling a minute's {@code limit} per minute. */
    private static long refillMillis(double level, double target, int limit) {
        return level >= target ? 0 : (long) Math.ceil((target - level) * 60_000 / limit);
    }

    private static long remaining(double level) {
        return Math.max(0, (long) Math.floor(level));
    }

    private static long used(double level, int limit) {
        return limit - remaining(level);
    }

    /** A duration as OpenAI writes it in headers and messages: {@code 20ms}, {@code 1.5s}, {@code 6m0s}. */
    static String duration(long millis) {
        if (millis < 1_000) {
            return millis + "ms";
        }
        if (millis < 60_000) {
            String seconds = String.format(Locale.ROOT, "%.3f", millis / 1000.0).replaceAll("\\.?0+$", "");
            return seconds + "s";
        }
        return millis / 60_000 + "m" + (millis % 60_000) / 1000 + "s";
    }
}
