/** The deterministic simulated model: hotloop's embedded default {@link dev.hotloop.protocol.model.ModelProvider}. */
@NullMarked
package dev.hotloop.simulator;

import org.jspecify.annotations.NullMarked;
