package dev.hotloop.serviceweb;

import org.springframework.boot.reactor.netty.autoconfigure.ReactorNettyProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.http.client.ReactorResourceFactory;
import reactor.netty.resources.LoopResources;

/**
 * Event loops of a service's own instead of Reactor Netty's global ones: services may share a JVM (tests,
 * hotloop-local), and closing one must not dispose the loops another still serves on. A service that may share its
 * JVM imports it; its threads are named {@code <spring.application.name>-http-…}.
 */
@Configuration(proxyBeanMethods = false)
public class OwnEventLoopsConfiguration {

    @Bean
    ReactorResourceFactory reactorResourceFactory(ReactorNettyProperties properties, Environment environment) {
        ReactorResourceFactory factory = new ReactorResourceFactory();
        factory.setUseGlobalResources(false);
        String prefix = environment.getRequiredProperty("spring.application.name") + "-http";
        factory.setLoopResourcesSupplier(() -> LoopResources.create(prefix));
        if (properties.getShutdownQuietPeriod() != null) {
            factory.setShutdownQuietPeriod(properties.getShutdownQuietPeriod());
        }
        return factory;
    }
}
