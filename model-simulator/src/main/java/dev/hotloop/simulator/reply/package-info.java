/** What the simulator answers in one step: a scripted step, or the default agent-loop behaviour. */
package dev.hotloop.simulator.reply;
