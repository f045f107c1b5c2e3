package dev.hotloop.toolrunner.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The escape attempts against the default sandbox of this machine: bwrap with a user namespace per execution. */
class UserNamespaceSandboxTest extends SandboxEscapeTests {

    @Override
    boolean ownUserNamespace() {
        return true;
    }

    @Test
    void healthShowsTheUserNamespaceMode() {
        http.get()
                .uri("/actuator/health")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.components.sandbox.details.sandbox")
                .isEqualTo("bwrap")
                .jsonPath("$.components.sandbox.details.mode")
                .isEqualTo("user-namespace")
                .jsonPath("$.components.sandbox.details.user_namespace")
                .isEqualTo(true)
                .jsonPath("$.components.sandbox.details.version")
                .value(version -> assertThat((String) version).startsWith("bubblewrap "))
                .jsonPath("$.components.sandbox.details.limits")
                .isEqualTo(cgroupLimits() ? "cgroup" : "rlimits");
    }
}
