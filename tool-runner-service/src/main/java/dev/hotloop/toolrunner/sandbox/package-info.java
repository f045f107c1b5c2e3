/** Runs one command under bubblewrap with namespaces, a minimal read-only root, rlimits, a wall-clock timeout and output caps. */
@NullMarked
package dev.hotloop.toolrunner.sandbox;

import org.jspecify.annotations.NullMarked;
