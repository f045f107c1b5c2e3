package dev.hotloop.api.transport.websocket;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.websocketx.Utf8FrameValidator;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameDecoder;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionDecoder;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.core.io.buffer.NettyDataBufferFactory;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.web.reactive.socket.HandshakeInfo;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.adapter.ReactorNettyWebSocketSession;
import org.springframework.web.reactive.socket.server.RequestUpgradeStrategy;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.WebsocketServerSpec;

/**
 * Reactor Netty's upgrade as Spring's {@code ReactorNettyRequestUpgradeStrategy} does it, plus RFC 6455's rules on
 * what a client sends, which Reactor Netty leaves to its user: text frames must be valid UTF-8 (no overlong forms,
 * no surrogates; else close 1007, section 8.1), and reserved bits stay zero unless a negotiated extension defines
 * them (else close 1002, section 5.2). Netty's own decoder and validator enforce both, configured here: Reactor
 * Netty's handshake allows reserved bits whenever compression is on, negotiated or not, and validates no UTF-8.
 * Spring's session hides the connection, hence a strategy of our own rather than a handler.
 */
final class StrictUpgradeStrategy implements RequestUpgradeStrategy {

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
        return response.setComplete()
                .then(Mono.defer(() -> reactorResponse.sendWebsocket(
                        (in, out) -> {
                            in.withConnection(connection -> enforce(connection, websocket.maxFramePayloadLength()));
                            return handler.handle(new ReactorNettyWebSocketSession(
                                    in, out, info, buffers, websocket.maxFramePayloadLength()));
                        },
                        websocket)));
    }

    /** Applies the rules to a connection just upgraded, before its first frame is read. */
    private static void enforce(Connection connection, int maxFramePayloadLength) {
        ChannelPipeline pipeline = connection.channel().pipeline();
        if (pipeline.get(WebSocketExtensionDecoder.class) == null) {
            // no extension was negotiated: a frame with a reserved bit set is a protocol error
            pipeline.replace(
                    WebSocketFrameDecoder.class,
                    pipeline.context(WebSocketFrameDecoder.class).name(),
                    new WebSocket13FrameDecoder(WebSocketDecoderConfig.newBuilder()
                            .maxFramePayloadLength(maxFramePayloadLength)
                            .allowExtensions(false)
                            .build()));
        }
        // last before the application, so it sees text as decompressed by any extension decoder
        connection.addHandlerLast(UTF8_VALIDATOR, new Utf8FrameValidator(true));
    }
}
