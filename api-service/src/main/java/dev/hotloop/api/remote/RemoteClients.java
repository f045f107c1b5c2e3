package dev.hotloop.api.remote;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ChannelOption;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.util.unit.DataSize;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * Builds the clients of api-service's dependencies (session-service, tool-runner, model upstreams) one way: a
 * Reactor Netty client on a pool of its own with Reactor Netty's pool metrics, tuned by every
 * {@link HttpClientCustomizer}, under a {@code WebClient.Builder} from Spring Boot, which applies every
 * {@code WebClientCustomizer}, Boot's observation one included (the {@code http.client.requests} timer, a client
 * span and W3C trace context on each request). Also builds the replica sets calls are routed over.
 */
public final class RemoteClients {

    private final Supplier<WebClient.Builder> builders;
    private final List<HttpClientCustomizer> customizers;
    private final CircuitBreakerRegistry breakers;
    private final MeterRegistry meters;

    /**
     * @param builders a fresh builder per client (Boot's prototype {@code WebClient.Builder} bean)
     * @param breakers where the replicas' circuit breakers are registered (and their metrics bound)
     */
    public RemoteClients(
            Supplier<WebClient.Builder> builders,
            List<HttpClientCustomizer> customizers,
            CircuitBreakerRegistry breakers,
            MeterRegistry meters) {
        this.builders = builders;
        this.customizers = List.copyOf(customizers);
        this.breakers = breakers;
        this.meters = meters;
    }

    /**
     * A builder for one client's {@code WebClient}, its connector and codecs set; add a base URL and headers.
     *
     * @param name            names the pool in metrics, and the client for customizers
     * @param maxIdleTime     an idle connection is closed after this: below the server's keep-alive timeout, so a
     *                        request never goes out on a connection the server is closing
     * @param responseTimeout limit between network reads of a response; null for none (streams time themselves)
     * @param maxInMemorySize largest body read whole; above 2 GB it is 2 GB, the most a codec can hold
     */
    public WebClient.Builder builder(
            String name,
            ConnectionPool pool,
            Duration connectTimeout,
            Duration maxIdleTime,
            @Nullable Duration responseTimeout,
            DataSize maxInMemorySize) {
        ConnectionProvider provider = ConnectionProvider.builder(name)
                .maxConnections(pool.maxConnections())
                .pendingAcquireMaxCount(pool.maxPendingAcquires())
                .pendingAcquireTimeout(pool.pendingAcquireTimeout())
                .maxIdleTime(maxIdleTime)
                .maxLifeTime(pool.maxLifeTime())
                // closes idle connections a server dropped while nobody used them, not on the next request
                .evictInBackground(maxIdleTime)
                .metrics(true)
                .build();
        HttpClient httpClient = HttpClient.create(provider)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, Math.toIntExact(connectTimeout.toMillis()));
        if (responseTimeout != null) {
            httpClient = httpClient.responseTimeout(responseTimeout);
        }
        for (HttpClientCustomizer customizer : customizers) {
            httpClient = customizer.customize(name, httpClient);
        }
        int limit = codecLimit(maxInMemorySize);
        return builders.get()
                .clientConnector(new ReactorClientHttpConnector(httpClient))
                .codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(limit));
    }

    /**
     * The replicas of a dependency, each behind a circuit breaker named {@code "<name> <base URL>"}, kept current by
     * DNS when {@code addresses} name a DNS name. Registers {@code <metricPrefix>.replicas} (a gauge) and
     * {@code <metricPrefix>.failovers} (calls that went on to the next replica because theirs was unreachable).
     *
     * @param property the property prefix of {@code addresses}, named in errors
     * @throws IllegalArgumentException when {@code addresses.dns()} names no host and port
     */
    public Replicas replicas(
            String name,
            String property,
            ReplicaAddresses addresses,
            CircuitBreakerSettings breaker,
            String metricPrefix) {
        CircuitBreakerConfig config = breaker.config();
        Replicas replicas = new Replicas(
                baseUrl -> breakers.circuitBreaker(name + " " + baseUrl, config),
                baseUrl -> breakers.remove(name + " " + baseUrl));
        URI dns = addresses.dns();
        // an empty value (HOTLOOP_API_SESSION_DNS= in a template) means unset
        if (dns != null && !dns.toString().isEmpty()) {
            replicas.discoverWith(new DnsReplicaDiscovery(
                    property + ".dns", dns, addresses.dnsRefresh(), replicas, InetAddress::getAllByName));
        } else {
            List<URI> baseUrls = addresses.replicas().isEmpty() ? List.of(addresses.url()) : addresses.replicas();
            replicas.update(baseUrls.stream().map(URI::toString).toList());
        }
        Gauge.builder(metricPrefix + ".replicas", replicas, known -> known.all().size())
                .description("Replicas of " + name + " that calls are routed over")
                .register(meters);
        Counter failovers = Counter.builder(metricPrefix + ".failovers")
                .description("Calls that went on to the next " + name + " replica because theirs was unreachable")
                .register(meters);
        replicas.onFailover(failovers::increment);
        return replicas;
    }

    /** A size as a codec limit: an {@code int}, so sizes of 2 GB and more are capped, never wrapped negative. */
    static int codecLimit(DataSize size) {
        return (int) Math.min(Integer.MAX_VALUE, size.toBytes());
    }
}
