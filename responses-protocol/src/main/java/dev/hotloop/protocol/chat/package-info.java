/** The OpenAI chat-completions form of a Responses context, for chat-only upstreams and the simulator's chat server. */
package dev.hotloop.protocol.chat;
