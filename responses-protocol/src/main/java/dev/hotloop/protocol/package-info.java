/** The OpenAI Responses API wire contract as hotloop speaks it, and the contract between the engine and model providers. */
@NullMarked
package dev.hotloop.protocol;

import org.jspecify.annotations.NullMarked;
