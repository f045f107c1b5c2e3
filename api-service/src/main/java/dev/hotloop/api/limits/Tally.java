package dev.hotloop.api.limits;

import org.jspecify.annotations.Nullable;

/**
 * A tenant's state after one check, as a store answered it.
 *
 * @param refused        the limit that refused the call ({@code requests}, {@code tokens} or the kind's slots), or
 *                       null when it was admitted (and charged)
 * @param requestsLeft   requests left in the bucket
 * @param tokensLeft     tokens left in the bucket; negative while a tenant pays off responses that used more than
 *                       estimated
 * @param slotsHeld      slots of the call's kind held after the check (0 for a plain call)
 */
record Tally(@Nullable String refused, double requestsLeft, double tokensLeft, long slotsHeld) {}
