/** Tool definitions and tool_choice. */
@NullMarked
package dev.hotloop.protocol.tool;

import org.jspecify.annotations.NullMarked;
