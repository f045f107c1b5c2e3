/** Per-tenant limits shared by all replicas through Redis, failing open to local limits when Redis is away. */
@NullMarked
package dev.hotloop.api.limits;

import org.jspecify.annotations.NullMarked;
