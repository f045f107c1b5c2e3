package dev.hotloop.api.transport.websocket;

import dev.hotloop.api.config.ApiProperties;
import dev.hotloop.protocol.error.ApiException;
import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.config.WebFluxConfigurer;
import org.springframework.web.reactive.handler.SimpleUrlHandlerMapping;
import org.springframework.web.reactive.socket.server.WebSocketService;
import org.springframework.web.reactive.socket.server.support.HandshakeWebSocketService;
import org.springframework.web.reactive.socket.server.support.WebSocketUpgradeHandlerPredicate;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.WebsocketServerSpec;

/** WebSocket mode shares {@code /v1/responses} with POST: only a GET with an upgrade reaches the handler. */
@Configuration(proxyBeanMethods = false)
class WebSocketConfiguration implements WebFluxConfigurer {

    private final ApiProperties properties;

    WebSocketConfiguration(ApiProperties properties) {
        this.properties = properties;
    }

    @Bean
    HandlerMapping responsesWebSocketMapping(ResponsesWebSocketHandler handler) {
        // ordered before the functional routes; the predicate lets POST and plain GETs through to them
        SimpleUrlHandlerMapping mapping = new SimpleUrlHandlerMapping(Map.of("/v1/responses", handler), -1);
        mapping.setHandlerPredicate(new WebSocketUpgradeHandlerPredicate());
        return mapping;
    }

    /**
     * Used by WebFlux's own WebSocket handler adapter: frame limit and permessage-deflate; a draining replica refuses
     * the upgrade with 503, so the client connects to another one.
     */
    @Override
    public WebSocketService getWebSocketService() {
        int maxFrame = (int) properties.websocket().maxFrameSize().toBytes();
        WebSocketService handshake = new HandshakeWebSocketService(new StrictUpgradeStrategy(() ->
                WebsocketServerSpec.builder().maxFramePayloadLength(maxFrame).compress(true)));
        return (exchange, handler) -> handler instanceof ResponsesWebSocketHandler responses && !responses.accepting()
                ? Mono.error(ApiException.unavailable(
                        "server_shutting_down",
                        "This server is shutting down: open a new connection, it will reach another one."))
                : handshake.handleRequest(exchange, handler);
    }
}
