/** The edge: the OpenAI Responses API over HTTP, SSE and WebSocket, and the agent loop behind it. */
@NullMarked
package dev.hotloop.api;

import org.jspecify.annotations.NullMarked;
