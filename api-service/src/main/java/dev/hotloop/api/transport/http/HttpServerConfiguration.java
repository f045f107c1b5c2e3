package dev.hotloop.api.transport.http;

import dev.hotloop.api.config.ApiProperties;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The HTTP server's limits on slow and silent clients, so that none holds a connection open for ever. */
@Configuration(proxyBeanMethods = false)
class HttpServerConfiguration {

    @Bean
    NettyServerCustomizer clientTimeouts(ApiProperties properties) {
        ApiProperties.Http http = properties.http();
        // Reactor Netty applies these while it waits for or reads a request: never to a response being streamed
        // nor to an upgraded WebSocket connection
        return server -> server.idleTimeout(http.idleTimeout())
                .readTimeout(http.readTimeout())
                .requestTimeout(http.requestTimeout());
    }
}
