/** tool-runner-service: executes hosted tool calls (the shell, configured argv tools) in a bubblewrap sandbox per tenant chain. */
@NullMarked
package dev.hotloop.toolrunner;

import org.jspecify.annotations.NullMarked;
