package dev.hotloop.toolrunner.sandbox;

import dev.hotloop.toolrunner.ToolsProperties;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Builds the bubblewrap command line. The sandbox gets new pid, network, ipc, uts (and, where possible, cgroup and
 * user) namespaces, a read-only root made of the configured system paths and a synthetic {@code /etc/passwd},
 * {@code /etc/group} and {@code /etc/hosts}, fresh {@code /proc} and {@code /dev}, private size-capped tmpfs
 * {@code /tmp} and {@code /dev/shm}, and the workspace as the only writable host directory, at {@code /workspace}.
 * Every process in it runs without capabilities and with {@code no_new_privs} as a non-root user, and has no terminal
 * ({@code --new-session}). The command is the pid namespace's init ({@code --as-pid-1}) and bwrap's only child, so
 * bwrap waits for it and leaves no orphan behind; when the command ends or is killed, the kernel kills everything
 * else in the namespace.
 */
final class BwrapLauncher implements SandboxLauncher {

    /** The user id inside a user namespace; mapped to the run-as user on the host. */
    static final int INNER_ID = 1000;

    static final String WORKSPACE = "/workspace";
    private static final List<String> SYSTEM_LINKS = List.of("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32");

    private final SandboxMode mode;
    private final String bwrap;
    private final @Nullable String setprivOutside;
    private final int runAsUid;
    private final int runAsGid;
    private final List<String> fixedArguments;
    private final List<String> innerPrefix;

    /**
     * @param kind           {@link SandboxMode.Kind#USER_NAMESPACE} or {@link SandboxMode.Kind#PRIVILEGED}
     * @param setprivOutside the host {@code setpriv} used to drop from root to the run-as user before bwrap, or null
     *                       when the service is not root (or bwrap runs privileged)
     * @param etcDirectory   where the synthetic {@code /etc} files are written, readable by the sandbox user
     * @param features       what this bwrap supports
     */
    BwrapLauncher(
            SandboxMode.Kind kind,
            String bwrap,
            String version,
            @Nullable String setprivOutside,
            int runAsUid,
            int runAsGid,
            ToolsProperties.Sandbox sandbox,
            ToolsProperties.Limits limits,
            Path etcDirectory,
            Path workspaceRoot,
            BwrapFeatures features) {
        if (kind == SandboxMode.Kind.INSECURE) {
            throw new IllegalArgumentException("bwrap does not run insecure");
        }
        this.bwrap = bwrap;
        this.setprivOutside = setprivOutside;
        this.runAsUid = runAsUid;
        this.runAsGid = runAsGid;
        boolean userNamespace = kind == SandboxMode.Kind.USER_NAMESPACE;
        int innerUid = userNamespace ? INNER_ID : runAsUid;
        int innerGid = userNamespace ? INNER_ID : runAsGid;
        this.mode = new SandboxMode(kind, bwrap, version, runAsUid + ":" + runAsGid);
        writeEtc(etcDirectory, innerUid, innerGid);
        this.fixedArguments = fixedArguments(userNamespace, sandbox, limits, etcDirectory, workspaceRoot, features);
        List<String> inner = new ArrayList<>(ExecWrapper.prlimit("/usr/bin/prlimit", limits));
        if (!userNamespace) {
            // bwrap ran as root with CAP_SETUID/CAP_SETGID kept for this step only: setpriv drops them with the uid
            inner.addAll(List.of(
                    "/usr/bin/setpriv",
                    "--reuid=" + runAsUid,
                    "--regid=" + runAsGid,
                    "--clear-groups",
                    "--inh-caps=-all",
                    "--bounding-set=-all",
                    "--no-new-privs",
                    "--"));
        }
        this.innerPrefix = List.copyOf(inner);
    }

    @Override
    public SandboxMode mode() {
        return mode;
    }

    @Override
    public ProcessBuilder command(Path workspace, List<String> command) {
        List<String> argv = new ArrayList<>(32 + fixedArguments.size() + command.size());
        if (setprivOutside != null) {
            argv.addAll(List.of(
                    setprivOutside,
                    "--reuid=" + runAsUid,
                    "--regid=" + runAsGid,
                    "--clear-groups",
                    "--no-new-privs",
                    "--"));
        }
        argv.add(bwrap);
        argv.addAll(fixedArguments);
        argv.addAll(List.of(
                "--bind",
                workspace.toString(),
                WORKSPACE,
                "--remount-ro",
                "/dev",
                "--remount-ro",
                "/",
                "--chdir",
                WORKSPACE,
                "--"));
        argv.addAll(innerPrefix);
        argv.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(argv).directory(new File("/"));
        builder.environment().clear();
        return builder;
    }

    /** The arguments that are the same for every execution, up to the workspace bind. */
    private static List<String> fixedArguments(
            boolean userNamespace,
            ToolsProperties.Sandbox sandbox,
            ToolsProperties.Limits limits,
            Path etc,
            Path workspaceRoot,
            BwrapFeatures features) {
        List<String> args = new ArrayList<>();
        args.addAll(
                List.of("--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try"));
        if (userNamespace) {
            args.addAll(
                    List.of("--unshare-user", "--uid", String.valueOf(INNER_ID), "--gid", String.valueOf(INNER_ID)));
            if (features.disableUserns()) {
                args.add("--disable-userns"); // no nested user namespaces: less kernel surface from inside
            }
        } else {
            args.addAll(List.of("--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"));
        }
        // without --as-pid-1, bwrap's own init outlives the bwrap that the service waits for: an orphan, and a zombie
        // wherever PID 1 does not reap
        args.addAll(List.of("--hostname", "sandbox", "--as-pid-1", "--die-with-parent", "--new-session"));
        for (String link : SYSTEM_LINKS) {
            Path path = Path.of(link);
            if (Files.isSymbolicLink(path)) {
                args.addAll(List.of("--symlink", readLink(path), link));
            } else if (Files.isDirectory(path)) {
                args.addAll(List.of("--ro-bind", link, link));
            }
        }
        List<Path> readOnlyPaths = sandbox.readOnlyPaths().stream()
                .map(path -> checkedReadOnly(path, workspaceRoot))
                .toList();
        // parents that bwrap would otherwise create as rwx------ (unreadable once it dropped to the sandbox user)
        Set<Path> parents = new TreeSet<>();
        parents.add(Path.of("/etc"));
        for (Path path : readOnlyPaths) {
            for (Path parent = path.getParent();
                    parent != null && parent.getNameCount() > 0;
                    parent = parent.getParent()) {
                parents.add(parent);
            }
        }
        for (Path parent : parents) {
            if (readOnlyPaths.stream().noneMatch(parent::startsWith)) {
                args.addAll(List.of("--perms", "0755", "--dir", parent.toString()));
            }
        }
        for (Path path : readOnlyPaths) {
            args.addAll(List.of("--ro-bind-try", path.toString(), path.toString()));
        }
        for (String file : List.of("passwd", "group", "hosts")) {
            args.addAll(List.of("--ro-bind", etc.resolve(file).toString(), "/etc/" + file));
        }
        args.addAll(List.of("--proc", "/proc", "--dev", "/dev"));
        String tmpSize = String.valueOf(limits.tmpSize().toBytes());
        for (String tmpfs : List.of("/dev/shm", "/tmp")) {
            args.addAll(List.of("--perms", "1777"));
            if (features.tmpfsSize()) {
                args.addAll(List.of("--size", tmpSize));
            }
            args.addAll(List.of("--tmpfs", tmpfs));
        }
        args.add("--clearenv");
        for (Map.Entry<String, String> variable :
                ExecWrapper.environment(WORKSPACE, sandbox.environment()).entrySet()) {
            args.addAll(List.of("--setenv", variable.getKey(), variable.getValue()));
        }
        return List.copyOf(args);
    }

    /** A read-only path must be absolute and must neither hold nor lie inside the workspaces. */
    private static Path checkedReadOnly(String readOnly, Path workspaceRoot) {
        Path path = Path.of(readOnly);
        if (!path.isAbsolute() || !path.normalize().equals(path) || path.getNameCount() == 0) {
            throw new IllegalArgumentException("hotloop.tools.sandbox.read-only-paths: '" + readOnly
                    + "' must be a normalized absolute path other than /");
        }
        if (workspaceRoot.startsWith(path) || path.startsWith(workspaceRoot)) {
            throw new IllegalArgumentException("hotloop.tools.sandbox.read-only-paths: '" + readOnly
                    + "' would expose the workspaces under " + workspaceRoot + " to every sandbox");
        }
        return path;
    }

    private static String readLink(Path link) {
        try {
            return Files.readSymbolicLink(link).toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A passwd and group that name only root, the sandbox user and nobody: the host's users stay unknown. */
    private static void writeEtc(Path etc, int uid, int gid) {
        String passwd = "root:x:0:0:root:/root:/usr/sbin/nologin\n"
                + "sandbox:x:" + uid + ":" + gid + ":sandbox:" + WORKSPACE + ":/bin/bash\n"
                + (uid == 65534 ? "" : "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n");
        String group = "root:x:0:\nsandbox:x:" + gid + ":\n" + (gid == 65534 ? "" : "nogroup:x:65534:\n");
        String hosts = "127.0.0.1\tlocalhost sandbox\n::1\tlocalhost ip6-localhost ip6-loopback\n";
        try {
            Files.createDirectories(etc);
            Files.setPosixFilePermissions(etc, PosixFilePermissions.fromString("rwxr-xr-x"));
            write(etc.resolve("passwd"), passwd);
            write(etc.resolve("group"), group);
            write(etc.resolve("hosts"), hosts);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the sandbox's /etc files under " + etc, e);
        }
    }

    /** Atomically, so a second instance on the same root never binds a half-written file. */
    private static void write(Path file, String content) throws IOException {
        Path temporary = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp");
        Files.writeString(temporary, content, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-r--r--"));
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        if (Files.isSymbolicLink(file) || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(file + " is not a regular file");
        }
    }

    /**
     * Options that not every bubblewrap has.
     *
     * @param disableUserns {@code --disable-userns} (0.8+)
     * @param tmpfsSize     {@code --size} for tmpfs (0.7+)
     */
    record BwrapFeatures(boolean disableUserns, boolean tmpfsSize) {

        static BwrapFeatures fromHelp(String help) {
            return new BwrapFeatures(help.contains("--disable-userns"), help.contains("--size"));
        }
    }
}
