/** Streamed response events with their sequence numbers. */
@NullMarked
package dev.hotloop.protocol.event;

import org.jspecify.annotations.NullMarked;
