/** The OpenAI chat-completions form of a Responses context, for chat-only upstreams and the simulator's chat server. */
@NullMarked
package dev.hotloop.protocol.chat;

import org.jspecify.annotations.NullMarked;
