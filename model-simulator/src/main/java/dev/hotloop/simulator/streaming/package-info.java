/** How a reply reaches the engine: split into real tokens, cut at the output budget, paced in time. */
@NullMarked
package dev.hotloop.simulator.streaming;

import org.jspecify.annotations.NullMarked;
