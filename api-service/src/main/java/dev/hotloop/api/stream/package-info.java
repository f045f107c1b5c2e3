/** Resumable streams: every event of a stored, streamed response in a Redis Stream, replayed and followed by any replica. */
@NullMarked
package dev.hotloop.api.stream;

import org.jspecify.annotations.NullMarked;
