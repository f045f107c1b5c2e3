/** The client of session-service, routed by chain to one replica. */
@NullMarked
package dev.hotloop.api.session;

import org.jspecify.annotations.NullMarked;
