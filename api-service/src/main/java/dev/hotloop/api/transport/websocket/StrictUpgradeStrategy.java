package dev.hotloop.api.transport.websocket;

import dev.hotloop.api.transport.EventLoops;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.Utf8FrameValidator;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.core.io.buffer.NettyDataBufferFactory;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.web.reactive.socket.HandshakeInfo;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.server.RequestUpgradeStrategy;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.netty.Connection;
import reactor.netty.NettyPipeline;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.WebsocketServerSpec;

/**
 * Reactor Netty's upgrade as Spring's {@code ReactorNettyRequestUpgradeStrategy} does it, plus RFC 6455's rules on
 * what a client sends, which Reactor Netty leaves to its user: text frames must be valid UTF-8 (no overlong forms,
 * no surrogates; else close 1007, section 8.1), and reserved bits stay zero unless a negotiated extension defines
 * them (else close 1002, section 5.2). Netty's UTF-8 validator and a reserved-bits check enforce them: Reactor
 * Netty's handshake allows reserved bits whenever compression is on, negotiated or not, and validates no UTF-8.
 * Spring's session hides the connection, hence a strategy of our own rather than a handler.
 */
final class StrictUpgradeStrategy implements RequestUpgradeStrategy {

    private static final String RESERVED_BITS_VALIDATOR = "hotloop.reservedBitsValidator";
    private static final String UTF8_VALIDATOR = "hotloop.utf8FrameValidator";

    private final Supplier<WebsocketServerSpec.Builder> spec;

    StrictUpgradeStrategy(Supplier<WebsocketServerSpec.Builder> spec) {
        this.spec = spec;
    }

    @Override
    public Mono<Void> upgrade(
            ServerWebExchange exchange,
            WebSocketHandler handler,
            @Nullable String subProtocol,
            Supplier<HandshakeInfo> handshakeInfo) {
        ServerHttpResponse response = exchange.getResponse();
        HttpServerResponse reactorResponse = ServerHttpResponseDecorator.getNativeResponse(response);
        HandshakeInfo info = handshakeInfo.get();
        NettyDataBufferFactory buffers = (NettyDataBufferFactory) response.bufferFactory();
        WebsocketServerSpec.Builder builder = spec.get();
        if (subProtocol != null) {
            builder.protocols(subProtocol);
        }
        WebsocketServerSpec websocket = builder.build();
        Scheduler eventLoop = EventLoops.of(exchange);
        // on the connection's own loop: upgraded from another thread, Reactor Netty drops a frame that comes early
        return response.setComplete()
                .then(Mono.defer(() -> reactorResponse.sendWebsocket(
                                (in, out) -> {
                                    in.withConnection(StrictUpgradeStrategy::enforce);
                                    return handler.handle(new LoopBoundSession(
                                            in, out, info, buffers, websocket.maxFramePayloadLength(), eventLoop));
                                },
                                websocket))
                        .subscribeOn(eventLoop));
    }

    /** Applies the rules to a connection just upgraded, before its first frame is read. */
    private static void enforce(Connection connection) {
        enforce(connection.channel().pipeline());
    }

    /**
     * Adds the validators last before the application, so they see frames as decoded by any extension: a negotiated
     * extension's decoder clears the bit it owns, and Netty adds that decoder only once the 101 response is written,
     * which may be after this runs, so the pipeline cannot tell yet what was negotiated.
     */
    static void enforce(ChannelPipeline pipeline) {
        pipeline.addBefore(NettyPipeline.ReactiveBridge, RESERVED_BITS_VALIDATOR, new ReservedBitsValidator());
        pipeline.addBefore(NettyPipeline.ReactiveBridge, UTF8_VALIDATOR, new Utf8FrameValidator(true));
    }

    /** Closes with 1002 on a frame whose reserved bits no negotiated extension consumed. */
    private static final class ReservedBitsValidator extends ChannelInboundHandlerAdapter {

        @Override
        public void channelRead(ChannelHandlerContext context, Object message) {
            if (message instanceof WebSocketFrame frame && frame.rsv() != 0) {
                frame.release();
                context.writeAndFlush(new CloseWebSocketFrame(
                                WebSocketCloseStatus.PROTOCOL_ERROR, "reserved bits set without an extension"))
                        .addListener(ChannelFutureListener.CLOSE);
                return;
            }
            context.fireChannelRead(message);
        }
    }
}
