package dev.hotloop.session.web;

import dev.hotloop.serviceweb.OwnEventLoops;
import org.springframework.boot.reactor.netty.autoconfigure.ReactorNettyProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.ReactorResourceFactory;

/** session-service serves on event loops of its own (api-service may run in the same JVM, see {@link OwnEventLoops}). */
@Configuration(proxyBeanMethods = false)
class NettyResourcesConfiguration {

    @Bean
    ReactorResourceFactory reactorResourceFactory(ReactorNettyProperties properties) {
        return OwnEventLoops.resourceFactory("session-http", properties);
    }
}
