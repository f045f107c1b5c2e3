/** Runs one command under bubblewrap with namespaces, a minimal read-only root, rlimits, a wall-clock timeout and output caps. */
package dev.hotloop.toolrunner.sandbox;
