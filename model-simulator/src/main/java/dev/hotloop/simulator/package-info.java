/** The deterministic simulated model: hotloop's embedded default {@link dev.hotloop.protocol.model.ModelProvider}. */
package dev.hotloop.simulator;
