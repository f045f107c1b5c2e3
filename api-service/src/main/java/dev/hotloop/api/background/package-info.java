/** Background responses: a queue in Redis, claimed under leases by the workers of every replica, and cancels. */
@NullMarked
package dev.hotloop.api.background;

import org.jspecify.annotations.NullMarked;
