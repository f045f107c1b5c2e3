/** The {@code openai-responses} provider: an upstream Responses API, called statelessly or chained upstream. */
@NullMarked
package dev.hotloop.api.model.responses;

import org.jspecify.annotations.NullMarked;
