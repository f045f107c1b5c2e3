package dev.hotloop.api.remote;

import dev.hotloop.protocol.json.ProtocolJson;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.util.concurrent.TimeoutException;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * How a failed call to a dependency is classified, the same for every dependency: what its circuit breakers count,
 * what is retried, and what may be sent to another replica.
 */
public final class RemoteFailures {

    private RemoteFailures() {}

    /**
     * The dependency cannot serve anyone right now: a transport error (no connection, a connection that broke), a
     * timeout, or a 5xx that says so (502, 503, 504 and above). What circuit breakers count and reads retry. A 4xx
     * is the request's doing and a 500 a failure of that one request on a live replica (such as a response it cannot
     * read back): neither says anything about the replica's health for other requests.
     */
    public static boolean isDependencyFailure(Throwable error) {
        return switch (error) {
            case WebClientResponseException response -> response.getStatusCode().value() >= 502;
            case WebClientRequestException request -> true;
            case TimeoutException timeout -> true;
            case io.netty.handler.timeout.TimeoutException timeout -> true;
            case IOException io -> true;
            default -> false;
        };
    }

    /** The dependency refused the request as malformed or not allowed: a 4xx answer. */
    public static boolean isClientError(Throwable error) {
        return error instanceof WebClientResponseException response
                && response.getStatusCode().is4xxClientError();
    }

    /**
     * The request was never sent: no connection to the replica (refused, unroutable, unresolvable, or none free in
     * the pool in time), or its circuit is open. Safe to send elsewhere.
     */
    public static boolean neverReached(Throwable error) {
        if (error instanceof CallNotPermittedException) {
            return true;
        }
        if (!(error instanceof WebClientRequestException)) {
            return false;
        }
        for (Throwable cause = error.getCause(); cause != null; cause = cause.getCause()) {
            // a pool's acquire timeout is the one java.util.concurrent TimeoutException on the way to a request
            if (cause instanceof ConnectException
                    || cause instanceof NoRouteToHostException
                    || cause instanceof UnknownHostException
                    || cause instanceof TimeoutException) {
                return true;
            }
        }
        return false;
    }

    /** The {@code error} object of an OpenAI-shaped error body; a missing node for any other body. */
    public static JsonNode errorOf(WebClientResponseException error) {
        byte[] body = error.getResponseBodyAsByteArray();
        try {
            JsonNode root = body.length == 0 ? null : ProtocolJson.mapper().readTree(body);
            return root == null ? ProtocolJson.nodes().missingNode() : root.path("error");
        } catch (JacksonException e) {
            return ProtocolJson.nodes().missingNode();
        }
    }
}
