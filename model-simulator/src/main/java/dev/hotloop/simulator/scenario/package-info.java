/** Scenario files that script the simulator's replies, and the facts of a conversation their conditions test. */
package dev.hotloop.simulator.scenario;
