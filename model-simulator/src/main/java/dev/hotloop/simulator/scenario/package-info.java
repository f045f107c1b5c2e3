/** Scenario files that script the simulator's replies, and the facts of a conversation their conditions test. */
@NullMarked
package dev.hotloop.simulator.scenario;

import org.jspecify.annotations.NullMarked;
