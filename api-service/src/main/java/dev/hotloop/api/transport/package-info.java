/** The client-facing transports (HTTP and SSE, WebSocket), over one turn engine. */
@NullMarked
package dev.hotloop.api.transport;

import org.jspecify.annotations.NullMarked;
