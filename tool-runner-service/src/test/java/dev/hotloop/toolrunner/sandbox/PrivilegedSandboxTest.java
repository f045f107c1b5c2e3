package dev.hotloop.toolrunner.sandbox;

import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * The escape attempts against the fallback for kernels without user namespaces: bwrap runs as root and drops to the
 * run-as user inside. Its process limit counts that user's processes host-wide, so it gets a user of its own here:
 * the user-namespace sandboxes of the other tests run as 65534.
 */
@TestPropertySource(
        properties = {
            "hotloop.tools.sandbox.user-namespace=never",
            "hotloop.tools.sandbox.run-as-uid=65533",
            "hotloop.tools.sandbox.run-as-gid=65533"
        })
class PrivilegedSandboxTest extends SandboxEscapeTests {

    @Override
    boolean ownUserNamespace() {
        return false;
    }

    @Test
    void healthShowsThePrivilegedMode() {
        http.get()
                .uri("/actuator/health")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.components.sandbox.details.mode")
                .isEqualTo("privileged")
                .jsonPath("$.components.sandbox.details.user_namespace")
                .isEqualTo(false)
                .jsonPath("$.components.sandbox.details.run_as")
                .isEqualTo("65533:65533");
    }
}
