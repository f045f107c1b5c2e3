/** Response and item ids, carrying the chain they belong to. */
@NullMarked
package dev.hotloop.protocol.id;

import org.jspecify.annotations.NullMarked;
