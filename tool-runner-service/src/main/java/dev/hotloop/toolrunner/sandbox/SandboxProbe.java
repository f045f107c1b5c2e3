package dev.hotloop.toolrunner.sandbox;

import dev.hotloop.toolrunner.ToolsProperties;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds out at start-up how commands can be sandboxed here, and proves it by running {@code test -w /workspace} in a
 * real sandbox. Without a working sandbox the service must not start, unless the insecure development mode is set.
 */
public final class SandboxProbe {

    private static final Logger log = LoggerFactory.getLogger(SandboxProbe.class);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(20);

    private SandboxProbe() {}

    /** Whether this JVM runs as root, in which case sandboxed processes run as the configured run-as user. */
    public static boolean serviceIsRoot() {
        return serviceUid() == 0;
    }

    /**
     * The launcher for this machine.
     *
     * @param workspaceRoot where the probe's workspace and the synthetic {@code /etc} files go
     * @throws SandboxUnavailableException when no sandbox works and insecure mode is off
     */
    public static SandboxLauncher detect(ToolsProperties properties, Path workspaceRoot) {
        ToolsProperties.Sandbox sandbox = properties.sandbox();
        boolean root = serviceIsRoot();
        if (sandbox.insecureNoSandbox()) {
            String prlimit = onPath("prlimit")
                    .orElseThrow(() -> new SandboxUnavailableException(
                            "prlimit (util-linux) is not on PATH; even the insecure mode needs it for rlimits."));
            UnsandboxedLauncher launcher =
                    new UnsandboxedLauncher(prlimit, sandbox, properties.limits(), serviceUid() + ":" + serviceGid());
            warnInsecure();
            return launcher;
        }
        String bwrap = executable(sandbox.bwrap())
                .orElseThrow(() -> new SandboxUnavailableException("bubblewrap ('" + sandbox.bwrap()
                        + "') was not found: install it (apt-get install bubblewrap, dnf install "
                        + "bubblewrap) or point hotloop.tools.sandbox.bwrap at it. For development without a sandbox only, "
                        + "set hotloop.tools.sandbox.insecure-no-sandbox=true."));
        String version = output(List.of(bwrap, "--version")).strip();
        BwrapLauncher.BwrapFeatures features = BwrapLauncher.BwrapFeatures.fromHelp(output(List.of(bwrap, "--help")));
        int runAsUid = root ? sandbox.runAsUid() : serviceUid();
        int runAsGid = root ? sandbox.runAsGid() : serviceGid();

        List<SandboxMode.Kind> candidates = switch (sandbox.userNamespace()) {
            case AUTO ->
                root
                        ? List.of(SandboxMode.Kind.USER_NAMESPACE, SandboxMode.Kind.PRIVILEGED)
                        : List.of(SandboxMode.Kind.USER_NAMESPACE);
            case REQUIRED -> List.of(SandboxMode.Kind.USER_NAMESPACE);
            case NEVER -> List.of(SandboxMode.Kind.PRIVILEGED);
        };
        List<String> failures = new ArrayList<>();
        for (SandboxMode.Kind kind : candidates) {
            if (kind == SandboxMode.Kind.PRIVILEGED && !root) {
                failures.add("privileged bwrap: the service does not run as root");
                continue;
            }
            String setpriv = null;
            if (kind == SandboxMode.Kind.USER_NAMESPACE && root) {
                Optional<String> found = onPath("setpriv");
                if (found.isEmpty()) {
                    failures.add("user namespace: setpriv (util-linux) is not on PATH to leave root first");
                    continue;
                }
                setpriv = found.get();
            }
            Path etc = workspaceRoot.resolve(".sandbox-etc-" + kind.name().toLowerCase(Locale.ROOT));
            BwrapLauncher launcher = new BwrapLauncher(
                    kind,
                    bwrap,
                    version,
                    setpriv,
                    runAsUid,
                    runAsGid,
                    sandbox,
                    properties.limits(),
                    etc,
                    workspaceRoot,
                    features);
            String failure = probe(launcher, workspaceRoot, root ? runAsUid : -1, root ? runAsGid : -1);
            if (failure == null) {
                log.info(
                        "Sandbox: {} ({}), {}; commands run as host user {}",
                        version,
                        bwrap,
                        kind == SandboxMode.Kind.USER_NAMESPACE
                                ? "a user namespace per execution"
                                : "privileged bwrap, no user namespace",
                        launcher.mode().runAs());
                if (!failures.isEmpty()) {
                    log.warn("Sandbox: fell back to {} because {}", kind, failures);
                }
                return launcher;
            }
            failures.add(kind.name().toLowerCase(Locale.ROOT) + ": " + failure);
        }
        throw new SandboxUnavailableException("bubblewrap cannot create a sandbox here: " + String.join("; ", failures)
                + ". Check that the kernel allows the namespaces (user namespaces for a non-root service, e.g. "
                + "kernel.unprivileged_userns_clone=1 or an AppArmor profile for bwrap), and that the workspace root "
                + workspaceRoot + " and its parents are traversable by the sandbox user. For development without a "
                + "sandbox only, set hotloop.tools.sandbox.insecure-no-sandbox=true.");
    }

    /** Null when a sandbox starts and can write its workspace, else what went wrong. */
    private static @Nullable String probe(SandboxLauncher launcher, Path workspaceRoot, int uid, int gid) {
        Path probeDir = workspaceRoot.resolve(".probe-" + UUID.randomUUID());
        try {
            Files.createDirectory(probeDir);
            if (uid >= 0) {
                Files.setAttribute(probeDir, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
                Files.setAttribute(probeDir, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
            }
            Files.setPosixFilePermissions(probeDir, PosixFilePermissions.fromString("rwx------"));
            RunResult result = new SandboxRunner(launcher)
                    .run(
                            probeDir,
                            List.of("/bin/sh", "-c", "test -w /workspace"),
                            PROBE_TIMEOUT,
                            4096,
                            new Cancellation());
            if (result.outcome() instanceof RunResult.Exit(int code) && code == 0) {
                return null;
            }
            return "the probe ended with " + result.outcome()
                    + (result.stderr().isBlank() ? "" : ": " + result.stderr().strip());
        } catch (IOException | UncheckedIOException e) {
            return e.getMessage();
        } finally {
            try {
                if (Files.exists(probeDir, LinkOption.NOFOLLOW_LINKS)) {
                    try (var files = Files.list(probeDir)) {
                        for (Path file : files.toList()) {
                            Files.deleteIfExists(file);
                        }
                    }
                    Files.delete(probeDir);
                }
            } catch (IOException e) {
                log.debug("Could not remove {}: {}", probeDir, e.toString());
            }
        }
    }

    private static void warnInsecure() {
        String line = "!".repeat(100);
        log.warn(line);
        log.warn(
                "!!! INSECURE: hotloop.tools.sandbox.insecure-no-sandbox=true: tools run WITHOUT a sandbox, as the service's");
        log.warn(
                "!!! own user (uid {}), with its file system and network. Only rlimits and timeouts apply.",
                serviceUid());
        log.warn(
                "!!! Never expose this service to untrusted model output in this mode. /actuator/health reports INSECURE.");
        log.warn(line);
    }

    /** A path is taken as is; a bare name is looked up on PATH. */
    static Optional<String> executable(String nameOrPath) {
        if (nameOrPath.contains("/")) {
            File file = new File(nameOrPath);
            return file.isFile() && file.canExecute() ? Optional.of(file.getAbsolutePath()) : Optional.empty();
        }
        return onPath(nameOrPath);
    }

    static Optional<String> onPath(String name) {
        String path = System.getenv("PATH");
        List<String> directories = new ArrayList<>(path == null ? List.of() : List.of(path.split(File.pathSeparator)));
        directories.addAll(List.of("/usr/local/bin", "/usr/bin", "/bin", "/usr/sbin", "/sbin"));
        for (String directory : directories) {
            if (directory.isEmpty()) {
                continue;
            }
            File candidate = new File(directory, name);
            if (candidate.isFile() && candidate.canExecute()) {
                return Optional.of(candidate.getAbsolutePath());
            }
        }
        return Optional.empty();
    }

    /** The standard output and error of a short host command such as {@code bwrap --version}. */
    private static String output(List<String> command) {
        try {
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            byte[] bytes = process.getInputStream().readAllBytes();
            if (!process.waitFor(PROBE_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SandboxUnavailableException("Cannot run " + command + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandboxUnavailableException("Interrupted while running " + command);
        }
    }

    private static int serviceUid() {
        return idOf("unix:uid");
    }

    private static int serviceGid() {
        return idOf("unix:gid");
    }

    private static int idOf(String attribute) {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), attribute);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read this process's user from /proc/self", e);
        }
    }

    /** No usable sandbox: the service refuses to start. */
    public static final class SandboxUnavailableException extends RuntimeException {
        public SandboxUnavailableException(String message) {
            super(message);
        }
    }
}
