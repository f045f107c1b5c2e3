/** Stage timers, the four turn buckets and their spans. */
@NullMarked
package dev.hotloop.api.metrics;

import org.jspecify.annotations.NullMarked;
