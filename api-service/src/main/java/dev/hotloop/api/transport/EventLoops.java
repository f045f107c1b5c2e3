package dev.hotloop.api.transport;

import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.Connection;

/**
 * The event loop that serves a client's connection, to come back to after a call that answers on another thread
 * (Redis answers on Lettuce's): work left on that thread slows every Redis call of the replica, and a WebSocket
 * upgrade done off the connection's loop races the client's first frame, which Reactor Netty then drops.
 */
public final class EventLoops {

    private EventLoops() {}

    /** The loop of the connection {@code exchange} arrived on; the current thread if it is not Reactor Netty's. */
    public static Scheduler of(ServerWebExchange exchange) {
        return ServerHttpRequestDecorator.getNativeRequest(exchange.getRequest()) instanceof Connection connection
                ? of(connection)
                : Schedulers.immediate();
    }

    /** The loop of a Reactor Netty connection. */
    public static Scheduler of(Connection connection) {
        return Schedulers.fromExecutor(connection.channel().eventLoop());
    }
}
