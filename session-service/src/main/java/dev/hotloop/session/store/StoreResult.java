package dev.hotloop.session.store;

/** What storing a turn came to. */
public sealed interface StoreResult {

    /** @param depth the number of responses in the chain up to and including this one */
    record Stored(int depth) implements StoreResult {}

    /** A response with this id exists for the tenant; nothing was written. */
    record AlreadyExists() implements StoreResult {}

    /** The previous response does not exist for the tenant; nothing was written. */
    record PreviousNotFound() implements StoreResult {}
}
