package dev.hotloop.api.transport.websocket;

import org.springframework.core.io.buffer.NettyDataBufferFactory;
import org.springframework.web.reactive.socket.HandshakeInfo;
import org.springframework.web.reactive.socket.adapter.ReactorNettyWebSocketSession;
import reactor.core.scheduler.Scheduler;
import reactor.netty.http.websocket.WebsocketInbound;
import reactor.netty.http.websocket.WebsocketOutbound;

/** Spring's Reactor Netty session that also knows its connection's event loop, which Spring's keeps to itself. */
final class LoopBoundSession extends ReactorNettyWebSocketSession {

    private final Scheduler eventLoop;

    LoopBoundSession(
            WebsocketInbound in,
            WebsocketOutbound out,
            HandshakeInfo info,
            NettyDataBufferFactory buffers,
            int maxFramePayloadLength,
            Scheduler eventLoop) {
        super(in, out, info, buffers, maxFramePayloadLength);
        this.eventLoop = eventLoop;
    }

    /** Where the connection's work belongs once a call answered on another thread. */
    Scheduler eventLoop() {
        return eventLoop;
    }
}
