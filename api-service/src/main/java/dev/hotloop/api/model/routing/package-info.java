/** Routing a public model to its upstreams: weighted choice, failover and retries before the first token, breakers. */
@NullMarked
package dev.hotloop.api.model.routing;

import org.jspecify.annotations.NullMarked;
