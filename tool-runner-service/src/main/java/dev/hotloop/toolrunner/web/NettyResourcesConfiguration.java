package dev.hotloop.toolrunner.web;

import dev.hotloop.serviceweb.OwnEventLoops;
import org.springframework.boot.reactor.netty.autoconfigure.ReactorNettyProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.ReactorResourceFactory;

/** tool-runner-service serves on event loops of its own (other services may run in the same JVM, see {@link OwnEventLoops}). */
@Configuration(proxyBeanMethods = false)
class NettyResourcesConfiguration {

    @Bean
    ReactorResourceFactory reactorResourceFactory(ReactorNettyProperties properties) {
        return OwnEventLoops.resourceFactory("tool-http", properties);
    }
}
