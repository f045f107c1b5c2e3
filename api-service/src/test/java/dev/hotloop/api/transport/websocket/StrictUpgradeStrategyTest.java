package dev.hotloop.api.transport.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionData;
import io.netty.handler.codec.http.websocketx.extensions.compression.PerMessageDeflateClientExtensionHandshaker;
import io.netty.handler.codec.http.websocketx.extensions.compression.PerMessageDeflateServerExtensionHandshaker;
import java.util.Map;
import org.junit.jupiter.api.Test;
import reactor.netty.NettyPipeline;

/**
 * The validators on a bare Netty pipeline, where the moment the permessage-deflate decoder arrives can be chosen:
 * Netty adds it only once the 101 response is written, which may be after the upgrade strategy ran.
 */
class StrictUpgradeStrategyTest {

    private static final WebSocketExtensionData DEFLATE = new WebSocketExtensionData("permessage-deflate", Map.of());

    @Test
    void compressedFramesPassWhenTheDeflateDecoderArrivesAfterTheValidators() {
        EmbeddedChannel server = upgradedServer();
        server.pipeline()
                .addAfter(
                        "wsdecoder",
                        "deflate",
                        new PerMessageDeflateServerExtensionHandshaker()
                                .handshakeExtension(DEFLATE)
                                .newExtensionDecoder());

        server.writeInbound(compressedClientFrame("compress me ".repeat(50)));

        TextWebSocketFrame frame = server.readInbound();
        assertThat(frame.text()).isEqualTo("compress me ".repeat(50));
        frame.release();
        assertThat(server.isOpen()).isTrue();
    }

    @Test
    void reservedBitsWithNoExtensionCloseWith1002() {
        EmbeddedChannel server = upgradedServer();

        server.writeInbound(compressedClientFrame("never negotiated"));

        assertThat((Object) server.readInbound()).isNull();
        CloseWebSocketFrame close = server.readOutbound();
        assertThat(close.statusCode()).isEqualTo(1002);
        close.release();
        assertThat(server.isOpen()).isFalse();
    }

    /** The pipeline Reactor Netty leaves after an upgrade with compression on: extensions allowed by the decoder. */
    private static EmbeddedChannel upgradedServer() {
        EmbeddedChannel server = new EmbeddedChannel();
        server.pipeline()
                .addLast(
                        "wsdecoder",
                        new WebSocket13FrameDecoder(WebSocketDecoderConfig.newBuilder()
                                .allowExtensions(true)
                                .build()))
                .addLast(NettyPipeline.ReactiveBridge, new ChannelInboundHandlerAdapter());
        StrictUpgradeStrategy.enforce(server.pipeline());
        return server;
    }

    /** A masked client text frame as bytes on the wire, compressed with permessage-deflate (RSV1 set). */
    private static ByteBuf compressedClientFrame(String text) {
        EmbeddedChannel client = new EmbeddedChannel(
                new WebSocket13FrameEncoder(true),
                new PerMessageDeflateClientExtensionHandshaker()
                        .handshakeExtension(DEFLATE)
                        .newExtensionEncoder());
        client.writeOutbound(new TextWebSocketFrame(text));
        ByteBuf wire = client.readOutbound();
        client.finishAndReleaseAll();
        return wire;
    }
}
