/** The simulated model as a standalone OpenAI-compatible HTTP server: chat completions, responses, models. */
package dev.hotloop.simulator.server;
