/** The {@code openai-responses} provider: an upstream Responses API, called statelessly or chained upstream. */
package dev.hotloop.api.model.responses;
