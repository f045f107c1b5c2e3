/** Executes a validated tool call in its chain's workspace, with bounded concurrency off the event loop, cancellable. */
package dev.hotloop.toolrunner.execution;
