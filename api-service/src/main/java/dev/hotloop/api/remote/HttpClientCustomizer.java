package dev.hotloop.api.remote;

import reactor.netty.http.client.HttpClient;

/**
 * Tunes the Reactor Netty client of remote clients (declare a bean), after their pool and timeouts are set: as
 * spring-cloud-gateway's {@code HttpClientCustomizer}, with the client's name so that one can be singled out.
 */
@FunctionalInterface
public interface HttpClientCustomizer {

    /**
     * @param client     the client's name: {@code session-service}, {@code tool-runner} or {@code upstream-<label>}
     * @param httpClient the client as configured so far
     * @return the client to use (Reactor Netty clients are immutable: return the configured copy)
     */
    HttpClient customize(String client, HttpClient httpClient);
}
