/** Starts a private, throwaway Redis on a free loopback port for local runs and tests. */
@NullMarked
package dev.hotloop.localredis;

import org.jspecify.annotations.NullMarked;
