package dev.hotloop.session.web;

/**
 * The body of a stored turn's 201.
 *
 * @param id the stored response id
 * @param depth the number of responses in the chain up to and including this one
 */
record StoredTurnBody(String id, int depth) {}
