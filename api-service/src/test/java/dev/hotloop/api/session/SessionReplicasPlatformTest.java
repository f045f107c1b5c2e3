package dev.hotloop.api.session;

import dev.hotloop.api.PlatformTest;
import dev.hotloop.api.SessionServiceFixture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@link PlatformTest}'s api-service, routing over three session-service replicas: two live ones on the test
 * JVM's Redis and one that is down. Every subclass shares this one context (keep the configuration identical).
 */
abstract class SessionReplicasPlatformTest extends PlatformTest {

    static final String DEAD_REPLICA = "http://127.0.0.1:" + closedPort();

    @DynamicPropertySource
    static void replicas(DynamicPropertyRegistry registry) {
        registry.add("hotloop.api.session.replicas", () -> String.join(",", liveReplicas()) + "," + DEAD_REPLICA);
    }

    static List<String> liveReplicas() {
        return List.of(SessionServiceFixture.url(), SecondSessionReplica.url());
    }

    /** A loopback port that nothing listens on once this returns. */
    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
