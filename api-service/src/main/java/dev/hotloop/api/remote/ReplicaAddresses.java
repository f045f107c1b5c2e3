package dev.hotloop.api.remote;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Where the replicas of a dependency are: one URL, a fixed list, or a DNS name that lists them (first set wins). */
public interface ReplicaAddresses {

    /** Base URL when the dependency is one replica, or one address in front of several. */
    URI url();

    /** Base URLs of the replicas; when set they replace {@link #url()}. */
    List<URI> replicas();

    /** {@code <name>:<port>} or {@code http://<name>:<port>} resolving to every replica; replaces the others. */
    @Nullable
    URI dns();

    /** How often {@link #dns()} is resolved again. */
    Duration dnsRefresh();
}
