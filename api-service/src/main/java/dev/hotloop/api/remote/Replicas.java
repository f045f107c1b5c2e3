package dev.hotloop.api.remote;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.reactor.circuitbreaker.operator.CircuitBreakerOperator;
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
import reactor.core.publisher.Mono;

/**
 * The replicas of one dependency that calls are routed over: fixed from configuration, or kept current by
 * {@link DnsReplicaDiscovery}. The set is replaced as a whole; a call routes over the set it read when it started.
 * A replica keeps its circuit breaker for as long as it stays in the set.
 */
public final class Replicas implements SmartLifecycle {

    /** Starts before the web server (at {@code DEFAULT_PHASE - 2048}), so the first request finds the replicas. */
    private static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

    private final AtomicReference<List<Replica>> current = new AtomicReference<>(List.of());
    private final Function<String, CircuitBreaker> breakers;
    private final Consumer<String> forgetBreaker;
    private Runnable onFailover = () -> {};
    private @Nullable DnsReplicaDiscovery discovery;
    private volatile boolean running;

    /** One attempt of a routed call on one replica. */
    @FunctionalInterface
    public interface Attempt<T> {

        /**
         * @param baseUrl the replica's base URL, to prefix the call's path with
         * @param owner   whether the replica is the key's owner, rather than a failover
         */
        Mono<T> call(String baseUrl, boolean owner);
    }

    /**
     * @param breakers      the circuit breaker of a new replica, by base URL
     * @param forgetBreaker called with the base URL of a replica that left the set
     */
    public Replicas(Function<String, CircuitBreaker> breakers, Consumer<String> forgetBreaker) {
        this.breakers = breakers;
        this.forgetBreaker = forgetBreaker;
    }

    /** One replica, the {@code WebClient}'s own base URL, behind one circuit breaker. */
    public static Replicas single(CircuitBreaker circuitBreaker) {
        Replicas replicas = new Replicas(baseUrl -> circuitBreaker, baseUrl -> {});
        replicas.update(List.of(""));
        return replicas;
    }

    /** Keeps the set in step with DNS from {@link #start()} on. */
    void discoverWith(DnsReplicaDiscovery discovery) {
        this.discovery = discovery;
    }

    /** Runs each time a call moves on to the next replica. */
    public void onFailover(Runnable onFailover) {
        this.onFailover = onFailover;
    }

    /** The current replicas, sorted by base URL. */
    public List<Replica> all() {
        return current.get();
    }

    /** The replicas in the order a call for this routing key tries them: its owner first. */
    public List<Replica> route(long key) {
        List<Replica> replicas = current.get();
        return replicas.size() <= 1 ? replicas : RendezvousRouter.order(key, replicas);
    }

    /**
     * The call on the key's owner, then on the next replicas in rendezvous order while it never reached one
     * ({@link RemoteFailures#neverReached}): a call that reached a replica is never sent to another. Each attempt
     * passes its replica's circuit breaker. Errors with {@link NoReplicaException} while no replica is known.
     */
    public <T> Mono<T> call(long key, Attempt<T> attempt) {
        return Mono.defer(() -> {
            List<Replica> order = route(key);
            return order.isEmpty() ? Mono.error(new NoReplicaException()) : attempt(order, 0, attempt);
        });
    }

    private <T> Mono<T> attempt(List<Replica> order, int index, Attempt<T> attempt) {
        Replica replica = order.get(index);
        Mono<T> call = attempt.call(replica.baseUrl(), index == 0)
                .transformDeferred(CircuitBreakerOperator.of(replica.circuitBreaker()));
        if (index + 1 == order.size()) {
            return call;
        }
        return call.onErrorResume(RemoteFailures::neverReached, error -> {
            onFailover.run();
            return attempt(order, index + 1, attempt);
        });
    }

    /**
     * Replaces the set; replicas that stay keep their circuit breakers. A base URL's trailing slash is dropped.
     *
     * @return whether the set changed
     */
    public synchronized boolean update(Collection<String> baseUrls) {
        TreeSet<String> next = new TreeSet<>();
        baseUrls.forEach(baseUrl -> next.add(normalize(baseUrl)));
        Map<String, Replica> previous = new HashMap<>();
        current.get().forEach(replica -> previous.put(replica.baseUrl(), replica));
        if (previous.keySet().equals(next)) {
            return false;
        }
        List<Replica> replicas = next.stream()
                .map(baseUrl -> previous.containsKey(baseUrl)
                        ? previous.get(baseUrl)
                        : new Replica(baseUrl, RendezvousRouter.seed(baseUrl), breakers.apply(baseUrl)))
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

    /** No replica is known yet: DNS has not answered. */
    public static final class NoReplicaException extends RuntimeException {

        NoReplicaException() {
            super("no replica known", null, false, false);
        }
    }
}
