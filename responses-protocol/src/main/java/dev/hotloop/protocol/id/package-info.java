/** Response, conversation and item ids, carrying the chain or conversation they belong to. */
@NullMarked
package dev.hotloop.protocol.id;

import org.jspecify.annotations.NullMarked;
