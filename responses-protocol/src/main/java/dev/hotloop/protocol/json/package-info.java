/** The JSON mapper and its limits, shared by every reader and writer of the protocol. */
@NullMarked
package dev.hotloop.protocol.json;

import org.jspecify.annotations.NullMarked;
