package dev.hotloop.api.remote;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;

/**
 * One replica of a dependency (session-service, tool-runner).
 *
 * @param baseUrl        {@code http://host:port} without a trailing slash; empty for the base URL of the
 *                       {@code WebClient} itself
 * @param seed           its identity in rendezvous scores, from {@link RendezvousRouter#seed}
 * @param circuitBreaker guards calls to this replica only, so one failing replica does not stop the others
 */
public record Replica(String baseUrl, long seed, CircuitBreaker circuitBreaker) {}
