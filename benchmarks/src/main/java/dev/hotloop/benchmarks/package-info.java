/** Benchmarks and the loop driver that runs real traffic through the platform. */
package dev.hotloop.benchmarks;
