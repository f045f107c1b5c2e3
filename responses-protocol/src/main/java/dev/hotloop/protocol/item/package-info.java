/** Input and output items, kept as the JSON that was sent. */
@NullMarked
package dev.hotloop.protocol.item;

import org.jspecify.annotations.NullMarked;
