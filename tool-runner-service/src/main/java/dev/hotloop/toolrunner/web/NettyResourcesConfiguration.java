package dev.hotloop.toolrunner.web;

import org.springframework.boot.reactor.netty.autoconfigure.ReactorNettyProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.ReactorResourceFactory;
import reactor.netty.resources.LoopResources;

/**
 * Event loops of tool-runner-service's own instead of Reactor Netty's global ones: api-service and session-service may run in the same
 * JVM (tests, hotloop-local), and closing one app must not dispose the loops the other still serves on.
 */
@Configuration(proxyBeanMethods = false)
class NettyResourcesConfiguration {

    @Bean
    ReactorResourceFactory reactorResourceFactory(ReactorNettyProperties properties) {
        ReactorResourceFactory factory = new ReactorResourceFactory();
        factory.setUseGlobalResources(false);
        factory.setLoopResourcesSupplier(() -> LoopResources.create("tool-http"));
        if (properties.getShutdownQuietPeriod() != null) {
            factory.setShutdownQuietPeriod(properties.getShutdownQuietPeriod());
        }
        return factory;
    }
}
