/** session-service: owns the state of responses in Redis and serves it to api-service over internal HTTP. */
package dev.hotloop.session;
