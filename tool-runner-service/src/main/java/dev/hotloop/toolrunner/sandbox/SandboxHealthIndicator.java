package dev.hotloop.toolrunner.sandbox;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.stereotype.Component;

/**
 * The {@code sandbox} health component: UP with the bwrap version and mode, or {@code INSECURE} when tools run
 * without a sandbox. {@code INSECURE} ranks above UP in {@code management.endpoint.health.status.order}, so the
 * overall status shows it too (still HTTP 200: the service works, it is just not safe).
 */
@Component
class SandboxHealthIndicator implements HealthIndicator {

    static final Status INSECURE = new Status("INSECURE", "Tools run WITHOUT a sandbox (hotloop.tools.sandbox.insecure-no-sandbox=true)");

    private final SandboxMode mode;

    SandboxHealthIndicator(SandboxLauncher launcher) {
        this.mode = launcher.mode();
    }

    @Override
    public Health health() {
        return (mode.insecure() ? Health.status(INSECURE) : Health.up()).withDetails(mode.details()).build();
    }
}
