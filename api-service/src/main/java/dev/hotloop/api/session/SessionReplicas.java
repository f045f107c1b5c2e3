package dev.hotloop.api.session;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.springframework.context.SmartLifecycle;

/**
 * The session-service replicas that calls are routed over: fixed from configuration, or kept current by
 * {@link DnsReplicaDiscovery}. The set is replaced as a whole; a call routes over the set it read when it started.
 * A replica keeps its circuit breaker for as long as it stays in the set.
 */
final class SessionReplicas implements SmartLifecycle {

    /** Starts before the web server (at {@code DEFAULT_PHASE - 2048}), so the first request finds the replicas. */
    private static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

    private final AtomicReference<List<SessionReplica>> current = new AtomicReference<>(List.of());
    private final Function<String, CircuitBreaker> breakers;
    private final Consumer<String> forgetBreaker;
    private @Nullable DnsReplicaDiscovery discovery;
    private volatile boolean running;

    /**
     * @param breakers      the circuit breaker of a new replica, by base URL
     * @param forgetBreaker called with the base URL of a replica that left the set
     */
    SessionReplicas(Function<String, CircuitBreaker> breakers, Consumer<String> forgetBreaker) {
        this.breakers = breakers;
        this.forgetBreaker = forgetBreaker;
    }

    /** One replica, the {@code WebClient}'s own base URL, behind one circuit breaker. */
    static SessionReplicas single(CircuitBreaker circuitBreaker) {
        SessionReplicas replicas = new SessionReplicas(baseUrl -> circuitBreaker, baseUrl -> { });
        replicas.update(List.of(""));
        return replicas;
    }

    /** Keeps the set in step with DNS from {@link #start()} on. */
    void discoverWith(DnsReplicaDiscovery discovery) {
        this.discovery = discovery;
    }

    /** The current replicas, sorted by base URL. */
    List<SessionReplica> all() {
        return current.get();
    }

    /** The replicas in the order a call for this response id tries them: its chain's owner first. */
    List<SessionReplica> route(String responseId) {
        List<SessionReplica> replicas = current.get();
        return replicas.size() <= 1 ? replicas : RendezvousRouter.order(RendezvousRouter.chainKey(responseId), replicas);
    }

    /**
     * Replaces the set; replicas that stay keep their circuit breakers. A base URL's trailing slash is dropped.
     *
     * @return whether the set changed
     */
    synchronized boolean update(Collection<String> baseUrls) {
        TreeSet<String> next = new TreeSet<>();
        baseUrls.forEach(baseUrl -> next.add(normalize(baseUrl)));
        Map<String, SessionReplica> previous = new HashMap<>();
        current.get().forEach(replica -> previous.put(replica.baseUrl(), replica));
        if (previous.keySet().equals(next)) {
            return false;
        }
        List<SessionReplica> replicas = next.stream()
                .map(baseUrl -> previous.containsKey(baseUrl) ? previous.get(baseUrl)
                        : new SessionReplica(baseUrl, RendezvousRouter.seed(baseUrl), breakers.apply(baseUrl)))
                .toList();
        current.set(replicas);
        previous.keySet().stream().filter(baseUrl -> !next.contains(baseUrl)).forEach(forgetBreaker);
        return true;
    }

    @Override
    public void start() {
        if (discovery != null) {
            discovery.start();
        }
        running = true;
    }

    @Override
    public void stop() {
        if (discovery != null) {
            discovery.stop();
        }
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    private static String normalize(String baseUrl) {
        return baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    }
}
