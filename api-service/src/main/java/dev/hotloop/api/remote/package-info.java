/** What the clients of session-service, tool-runner and model upstreams share: pools, observability, breakers and replica routing. */
@NullMarked
package dev.hotloop.api.remote;

import org.jspecify.annotations.NullMarked;
