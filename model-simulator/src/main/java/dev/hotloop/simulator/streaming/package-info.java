/** How a reply reaches the engine: split into real tokens, cut at the output budget, paced in time. */
package dev.hotloop.simulator.streaming;
