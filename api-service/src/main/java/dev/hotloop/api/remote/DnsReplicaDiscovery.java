package dev.hotloop.api.remote;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Keeps {@link Replicas} in step with the addresses a DNS name resolves to (a headless service lists one per
 * ready replica): once on start, then every refresh interval. The JDK resolver blocks, so lookups run on
 * {@code boundedElastic}. A failed or empty lookup keeps the last set: a replica that is gone costs a failover.
 */
final class DnsReplicaDiscovery {

    private static final Logger log = LoggerFactory.getLogger(DnsReplicaDiscovery.class);
    private static final Duration FIRST_LOOKUP_TIMEOUT = Duration.ofSeconds(10);

    /** The JDK resolver as a function, so tests can script the answers. */
    @FunctionalInterface
    interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    private final String property;
    private final URI dns;
    private final Duration refresh;
    private final Replicas replicas;
    private final Resolver resolver;
    private volatile @Nullable Disposable running;

    /**
     * @param property the setting {@code dns} comes from, named in errors and logs
     * @param dns      {@code scheme://name:port}, or {@code name:port} for {@code http://name:port}; every address
     *                 of {@code name} becomes {@code scheme://address:port}
     * @throws IllegalArgumentException naming {@code property} when {@code dns} has no host name or no port
     */
    DnsReplicaDiscovery(String property, URI dns, Duration refresh, Replicas replicas, Resolver resolver) {
        // "name:8081" parses as scheme "name" with an opaque part: what a template renders without a scheme
        URI withScheme = dns.isOpaque() ? URI.create("http://" + dns) : dns;
        if (withScheme.getHost() == null || withScheme.getPort() < 0) {
            throw new IllegalArgumentException(property + " must be <name>:<port> or http://<name>:<port>, not " + dns);
        }
        this.property = property;
        this.dns = withScheme;
        this.refresh = refresh;
        this.replicas = replicas;
        this.resolver = resolver;
    }

    /** Looks the name up once and updates the replicas; emits the base URLs in use after it, and never an error. */
    Mono<List<String>> refresh() {
        return Mono.fromCallable(() -> resolver.resolve(dns.getHost()))
                .subscribeOn(Schedulers.boundedElastic())
                .map(this::baseUrls)
                .doOnNext(baseUrls -> {
                    if (baseUrls.isEmpty()) {
                        log.warn("{}: {} resolved to no address; keeping {}", property, dns.getHost(), current());
                    } else if (replicas.update(baseUrls)) {
                        log.info("{}: replicas from {}: {}", property, dns.getHost(), current());
                    }
                })
                .onErrorResume(error -> {
                    log.warn(
                            "{}: cannot resolve {} ({}); keeping {}",
                            property,
                            dns.getHost(),
                            error.toString(),
                            current());
                    return Mono.empty();
                })
                .then(Mono.fromSupplier(this::current));
    }

    /** Resolves now, waiting up to ten seconds on the calling thread, then every refresh interval in the background. */
    void start() {
        refresh().timeout(FIRST_LOOKUP_TIMEOUT).onErrorComplete().block();
        running = Flux.interval(refresh, refresh)
                .onBackpressureDrop()
                .concatMap(tick -> refresh())
                .subscribe();
    }

    void stop() {
        Disposable subscription = running;
        running = null;
        if (subscription != null) {
            subscription.dispose();
        }
    }

    private List<String> baseUrls(InetAddress[] addresses) {
        return Arrays.stream(addresses)
                .map(address -> dns.getScheme() + "://" + literal(address) + ":" + dns.getPort())
                .distinct()
                .toList();
    }

    private List<String> current() {
        return replicas.all().stream().map(Replica::baseUrl).toList();
    }

    private static String literal(InetAddress address) {
        String host = address.getHostAddress();
        if (address instanceof Inet6Address) {
            // drop a scope id: it is no part of a URL's host
            int scope = host.indexOf('%');
            return "[" + (scope < 0 ? host : host.substring(0, scope)) + "]";
        }
        return host;
    }
}
