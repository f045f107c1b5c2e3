/** The {@code openai-chat} provider: any OpenAI-compatible streaming chat-completions server. */
@NullMarked
package dev.hotloop.api.model.chat;

import org.jspecify.annotations.NullMarked;
