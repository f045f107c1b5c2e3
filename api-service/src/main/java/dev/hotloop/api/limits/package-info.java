/** Per-tenant limits (requests and tokens per minute, concurrent responses, WebSocket connections) shared by all replicas through Redis. */
package dev.hotloop.api.limits;
