/** Executes a validated tool call in its chain's workspace, with bounded concurrency off the event loop, cancellable. */
@NullMarked
package dev.hotloop.toolrunner.execution;

import org.jspecify.annotations.NullMarked;
