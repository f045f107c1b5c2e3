/** session-service: owns the state of responses in Redis and serves it to api-service over internal HTTP. */
@NullMarked
package dev.hotloop.session;

import org.jspecify.annotations.NullMarked;
