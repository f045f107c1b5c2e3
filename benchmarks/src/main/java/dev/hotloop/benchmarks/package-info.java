/** Benchmarks and the loop driver that runs real traffic through the platform. */
@NullMarked
package dev.hotloop.benchmarks;

import org.jspecify.annotations.NullMarked;
