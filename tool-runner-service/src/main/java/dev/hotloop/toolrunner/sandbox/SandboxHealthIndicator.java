package dev.hotloop.toolrunner.sandbox;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.stereotype.Component;

/**
 * The {@code sandbox} health component: UP with the bwrap version and mode and how executions are bounded
 * ({@code limits}: {@code cgroup} with its subtree, or {@code rlimits}), or {@code INSECURE} when tools run without a
 * sandbox. {@code INSECURE} ranks above UP in {@code management.endpoint.health.status.order}, so the
 * overall status shows it too (still HTTP 200: the service works, it is just not safe).
 */
@Component
class SandboxHealthIndicator implements HealthIndicator {

    static final Status INSECURE =
            new Status("INSECURE", "Tools run WITHOUT a sandbox (hotloop.tools.sandbox.insecure-no-sandbox=true)");

    private final SandboxMode mode;
    private final Map<String, Object> details;

    SandboxHealthIndicator(SandboxRunner runner) {
        this.mode = runner.mode();
        Map<String, Object> details = new LinkedHashMap<>(mode.details());
        details.put("limits", runner.cgroupSubtree().isPresent() ? "cgroup" : "rlimits");
        runner.cgroupSubtree().ifPresent(subtree -> details.put("cgroup", subtree.toString()));
        this.details = Collections.unmodifiableMap(details);
    }

    @Override
    public Health health() {
        return (mode.insecure() ? Health.status(INSECURE) : Health.up())
                .withDetails(details)
                .build();
    }
}
