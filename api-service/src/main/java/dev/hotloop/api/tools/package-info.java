/** Hosted tool calls, executed by tool-runner-service. */
@NullMarked
package dev.hotloop.api.tools;

import org.jspecify.annotations.NullMarked;
