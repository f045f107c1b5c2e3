/** What api-service's Redis clients share: their Lua scripts. */
@NullMarked
package dev.hotloop.api.redis;

import org.jspecify.annotations.NullMarked;
