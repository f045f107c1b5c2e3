/** A turn's context: immutable append-only conversations with their token counts and call ledger. */
@NullMarked
package dev.hotloop.api.context;

import org.jspecify.annotations.NullMarked;
