/** The {@code openai-chat} provider: any OpenAI-compatible streaming chat-completions server. */
package dev.hotloop.api.model.chat;
