/** WebFlux plumbing every hotloop service shares. */
package dev.hotloop.serviceweb;
