package dev.hotloop.serviceweb;

import org.springframework.boot.reactor.netty.autoconfigure.ReactorNettyProperties;
import org.springframework.http.client.ReactorResourceFactory;
import reactor.netty.resources.LoopResources;

/**
 * Event loops of a service's own instead of Reactor Netty's global ones: services may share a JVM (tests,
 * hotloop-local), and closing one must not dispose the loops another still serves on.
 */
public final class OwnEventLoops {

    private OwnEventLoops() {
    }

    /** The resource factory to declare as a bean, its threads named {@code <prefix>-…}. */
    public static ReactorResourceFactory resourceFactory(String prefix, ReactorNettyProperties properties) {
        ReactorResourceFactory factory = new ReactorResourceFactory();
        factory.setUseGlobalResources(false);
        factory.setLoopResourcesSupplier(() -> LoopResources.create(prefix));
        if (properties.getShutdownQuietPeriod() != null) {
            factory.setShutdownQuietPeriod(properties.getShutdownQuietPeriod());
        }
        return factory;
    }
}
