/** The simulated model as a standalone OpenAI-compatible HTTP server: chat completions, responses, models. */
@NullMarked
package dev.hotloop.simulator.server;

import org.jspecify.annotations.NullMarked;
