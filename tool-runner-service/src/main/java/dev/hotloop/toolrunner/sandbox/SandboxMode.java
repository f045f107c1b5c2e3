package dev.hotloop.toolrunner.sandbox;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The isolation that commands get, as detected at start-up.
 *
 * @param kind    how the sandbox is built
 * @param bwrap   the bubblewrap executable, null when insecure
 * @param version bubblewrap's version line, null when insecure
 * @param runAs   the host {@code uid:gid} sandboxed processes run as
 */
public record SandboxMode(
        Kind kind, @Nullable String bwrap, @Nullable String version, String runAs) {

    public enum Kind {
        /** bwrap runs unprivileged and gives each sandbox its own user namespace (the strongest mode). */
        USER_NAMESPACE,
        /** bwrap runs as root without a user namespace and drops to the sandbox user inside. */
        PRIVILEGED,
        /** No sandbox: plain processes of the service with rlimits and timeouts only. */
        INSECURE
    }

    public boolean insecure() {
        return kind == Kind.INSECURE;
    }

    /** The health endpoint's details. */
    public Map<String, Object> details() {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("sandbox", insecure() ? "INSECURE" : "bwrap");
        details.put("mode", kind.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        if (bwrap != null) {
            details.put("bwrap", bwrap);
        }
        if (version != null) {
            details.put("version", version);
        }
        details.put("user_namespace", kind == Kind.USER_NAMESPACE);
        details.put("run_as", runAs);
        return details;
    }
}
