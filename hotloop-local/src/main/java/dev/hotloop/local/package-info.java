/** The one-process launcher for development: Redis, session-service, tool-runner and api-service together. */
@NullMarked
package dev.hotloop.local;

import org.jspecify.annotations.NullMarked;
