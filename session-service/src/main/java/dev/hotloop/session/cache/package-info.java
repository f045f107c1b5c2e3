/** The replica's near cache of response state in front of Redis, and its invalidation over Redis pub/sub. */
@NullMarked
package dev.hotloop.session.cache;

import org.jspecify.annotations.NullMarked;
