/** The per tenant and chain working directories on the host, their validated ids, and their removal after a TTL. */
@NullMarked
package dev.hotloop.toolrunner.workspace;

import org.jspecify.annotations.NullMarked;
