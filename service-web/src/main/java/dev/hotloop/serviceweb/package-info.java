/** WebFlux plumbing every hotloop service shares. */
@NullMarked
package dev.hotloop.serviceweb;

import org.jspecify.annotations.NullMarked;
