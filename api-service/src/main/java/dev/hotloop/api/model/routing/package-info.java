/** Routing a public model to its upstreams: weighted choice, failover and retries before the first token, breakers. */
package dev.hotloop.api.model.routing;
