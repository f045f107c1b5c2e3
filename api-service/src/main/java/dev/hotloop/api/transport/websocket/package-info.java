/** WebSocket mode: response.create frames, lanes and the connection-scoped conversation cache. */
@NullMarked
package dev.hotloop.api.transport.websocket;

import org.jspecify.annotations.NullMarked;
