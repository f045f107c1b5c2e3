package dev.hotloop.session.cache;

import dev.hotloop.session.SessionProperties;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The replica's near cache, sized and aged from {@code hotloop.session.near-cache}. */
@Configuration(proxyBeanMethods = false)
class NearCacheConfiguration {

    private static final Logger log = LoggerFactory.getLogger(NearCacheConfiguration.class);

    @Bean
    NearCache nearCache(SessionProperties properties, MeterRegistry meters) {
        NearCache cache = new NearCache(properties, meters);
        if (cache.isEnabled() && !cache.ttl().equals(properties.nearCache().ttl())) {
            log.warn(
                    "hotloop.session.near-cache.ttl {} capped at {}, half of hotloop.session.ttl",
                    properties.nearCache().ttl(),
                    cache.ttl());
        }
        return cache;
    }
}
