/** OpenAI-shaped errors and the exception that carries them. */
@NullMarked
package dev.hotloop.protocol.error;

import org.jspecify.annotations.NullMarked;
