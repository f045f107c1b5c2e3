/** What the simulator answers in one step: a scripted step, or the default agent-loop behaviour. */
@NullMarked
package dev.hotloop.simulator.reply;

import org.jspecify.annotations.NullMarked;
