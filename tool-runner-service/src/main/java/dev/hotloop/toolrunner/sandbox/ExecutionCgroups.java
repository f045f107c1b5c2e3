package dev.hotloop.toolrunner.sandbox;

import dev.hotloop.toolrunner.ToolsProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cgroup v2 per execution, under a delegated subtree found at start-up, which bounds the sandbox as a whole:
 * {@code memory.max} and {@code memory.swap.max}, {@code pids.max} and {@code cpu.max} hold all its processes
 * together. The sandbox's first process moves itself in before it execs anything else, so no user code runs outside;
 * {@code cgroup.kill} ends every process in it, daemons included; the cgroup is removed after.
 */
public final class ExecutionCgroups {

    private static final Logger log = LoggerFactory.getLogger(ExecutionCgroups.class);
    /** The controllers the limits need, enabled for the children of the subtree. */
    private static final List<String> CONTROLLERS = List.of("memory", "pids", "cpu");
    /** Followed by the pid of the service that made it and a UUID: a sweep spares the cgroups of a running service. */
    private static final String PREFIX = "sandbox-";
    /** Where the processes already in the subtree go: cgroup v2 keeps processes out of a cgroup that limits children. */
    private static final String SERVICE_LEAF = "service";

    private static final long CPU_PERIOD_MICROS = 100_000;
    /** How long a killed cgroup may take to empty before it is left for the next start's sweep. */
    private static final Duration EMPTYING = Duration.ofSeconds(5);

    private final Path subtree;
    private final Map<String, String> limitFiles;

    /**
     * @param subtree    the delegated directory; its children get the controllers that {@code limitFiles} need
     * @param limitFiles interface file name to value, written into every execution's cgroup
     */
    ExecutionCgroups(Path subtree, Map<String, String> limitFiles) {
        this.subtree = subtree;
        this.limitFiles = Map.copyOf(limitFiles);
    }

    /** The delegated subtree that holds one cgroup per running execution. */
    public Path subtree() {
        return subtree;
    }

    /**
     * The subtree to use, set up, or empty (logged) when the rlimits must do alone.
     *
     * @throws SandboxProbe.SandboxUnavailableException when none is usable and the mode is {@code required}
     */
    static Optional<ExecutionCgroups> detect(ToolsProperties.Cgroup settings, ToolsProperties.Limits limits) {
        if (settings.mode() == ToolsProperties.Use.NEVER) {
            log.info("Resource limits: per-process rlimits only (hotloop.tools.sandbox.cgroup.mode=never)");
            return Optional.empty();
        }
        String failure;
        try {
            Path subtree = settings.path() != null ? settings.path() : ownCgroup();
            ExecutionCgroups cgroups = new ExecutionCgroups(subtree, limitFiles(limits));
            cgroups.prepare(settings.path() == null);
            log.info(
                    "Resource limits: a cgroup per execution under {} (memory {}, {} processes, {} CPUs per sandbox), "
                            + "and per-process rlimits",
                    subtree,
                    limits.memory(),
                    limits.processes(),
                    limits.cpus());
            return Optional.of(cgroups);
        } catch (IOException | UncheckedIOException e) {
            // the checks say why in their message; a failed file operation needs its type (and path) to make sense
            failure = e.getClass() == IOException.class ? e.getMessage() : e.toString();
        }
        if (settings.mode() == ToolsProperties.Use.REQUIRED) {
            throw new SandboxProbe.SandboxUnavailableException(
                    "No cgroup per execution (hotloop.tools.sandbox.cgroup.mode=" + "required): " + failure);
        }
        log.warn(
                "Resource limits: per-process rlimits only, so memory is bounded per process, not per sandbox: no "
                        + "delegated cgroup v2 subtree ({}). Set hotloop.tools.sandbox.cgroup.path, run as a systemd service with "
                        + "Delegate=yes, or mount the container's cgroup read-write.",
                failure);
        return Optional.empty();
    }

    /** The interface files and values that bound one execution. */
    static Map<String, String> limitFiles(ToolsProperties.Limits limits) {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("memory.max", String.valueOf(limits.memory().toBytes()));
        files.put("memory.swap.max", "0");
        files.put("pids.max", String.valueOf(limits.processes()));
        files.put("cpu.max", Math.max(1_000, Math.round(limits.cpus() * CPU_PERIOD_MICROS)) + " " + CPU_PERIOD_MICROS);
        return files;
    }

    /**
     * Checks the subtree, moves the processes in it to a leaf, enables the controllers for its children, removes the
     * cgroups of services that ended, and proves that an execution's cgroup can be made and killed.
     *
     * @param ownCgroup whether the subtree is this service's own cgroup, found rather than configured
     * @throws IOException saying why the subtree cannot be used
     */
    void prepare(boolean ownCgroup) throws IOException {
        if (!Files.isRegularFile(subtree.resolve("cgroup.controllers"))) {
            throw new IOException(subtree + " is not a cgroup v2 directory");
        }
        if (ownCgroup && !Files.exists(subtree.resolve("cgroup.type"))) {
            throw new IOException(
                    "the service runs in the root cgroup (" + subtree + "), which is not delegated to it");
        }
        Set<String> available =
                Set.of(read(subtree.resolve("cgroup.controllers")).split("\\s+"));
        List<String> needed = controllersNeeded();
        if (!available.containsAll(needed)) {
            throw new IOException(subtree + " offers the controllers ["
                    + String.join(" ", available).strip() + "], not all of " + needed
                    + " (on a host that mixes cgroup v1 and v2, v1 holds them)");
        }
        if (!Files.isWritable(subtree.resolve("cgroup.subtree_control")) || !Files.isWritable(subtree)) {
            throw new IOException(subtree + " is not writable by this service");
        }
        String residents = read(subtree.resolve("cgroup.procs"));
        if (!residents.isEmpty()) {
            Path leaf = subtree.resolve(SERVICE_LEAF);
            if (!Files.isDirectory(leaf)) {
                Files.createDirectory(leaf);
            }
            for (String pid : residents.lines().toList()) {
                moveProcess(pid, leaf);
            }
            log.info(
                    "Moved the processes of {} ({}) to {}, so that its children can be limited",
                    subtree,
                    residents.replace('\n', ' '),
                    leaf);
        }
        if (!needed.isEmpty()) {
            write(subtree.resolve("cgroup.subtree_control"), "+" + String.join(" +", needed));
        }
        try (var children = Files.list(subtree)) {
            for (Path leftover : children.filter(ExecutionCgroups::leftOver).toList()) {
                new Cgroup(leftover).close();
            }
        }
        try (Cgroup probe = create()) {
            if (!Files.exists(probe.directory.resolve("cgroup.kill"))) {
                throw new IOException("the kernel has no cgroup.kill (Linux 5.14 or later)");
            }
        }
    }

    /** An execution's cgroup whose service has ended: it crashed, or was killed, before it could remove it. */
    private static boolean leftOver(Path child) {
        String name = child.getFileName().toString();
        int pidEnd = name.indexOf('-', PREFIX.length());
        if (!name.startsWith(PREFIX) || pidEnd < 0) {
            return false;
        }
        try {
            return ProcessHandle.of(Long.parseLong(name.substring(PREFIX.length(), pidEnd)))
                    .isEmpty();
        } catch (NumberFormatException notOurs) {
            return false;
        }
    }

    private List<String> controllersNeeded() {
        return CONTROLLERS.stream()
                .filter(controller -> limitFiles.keySet().stream().anyMatch(file -> file.startsWith(controller + ".")))
                .toList();
    }

    private static void moveProcess(String pid, Path leaf) throws IOException {
        try {
            write(leaf.resolve("cgroup.procs"), pid);
        } catch (IOException e) {
            if (Files.exists(Path.of("/proc", pid))) {
                throw e;
            } // it ended meanwhile
        }
    }

    /**
     * A new cgroup with the limits, for one execution.
     *
     * @throws UncheckedIOException when it cannot be made
     */
    Cgroup create() {
        Path directory = subtree.resolve(PREFIX + ProcessHandle.current().pid() + "-" + UUID.randomUUID());
        try {
            Files.createDirectory(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the execution's cgroup " + directory, e);
        }
        Cgroup cgroup = new Cgroup(directory);
        try {
            for (Map.Entry<String, String> file : limitFiles.entrySet()) {
                Path path = directory.resolve(file.getKey());
                if (!file.getKey().equals("memory.swap.max")
                        || Files.exists(path)) { // no swap accounting: no swap file
                    write(path, file.getValue());
                }
            }
        } catch (IOException e) {
            cgroup.close();
            throw new UncheckedIOException("Cannot set the limits of the execution's cgroup " + directory, e);
        }
        return cgroup;
    }

    /** The cgroup of the calling process: its cgroup2 path under the mount that holds it. */
    static Path ownCgroup() throws IOException {
        String path = Files.readAllLines(Path.of("/proc/self/cgroup")).stream()
                .filter(line -> line.startsWith("0::"))
                .map(line -> line.substring(3))
                .findFirst()
                .orElseThrow(() -> new IOException("this process is in no cgroup v2 (/proc/self/cgroup)"));
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            // "id parent major:minor root mount-point options … - type source super-options"
            String[] fields = line.split(" ");
            int separator = List.of(fields).indexOf("-");
            if (separator > 0
                    && separator + 1 < fields.length
                    && fields[separator + 1].equals("cgroup2")
                    && Path.of(path).startsWith(fields[3])) {
                return Path.of(fields[4])
                        .resolve(Path.of(fields[3]).relativize(Path.of(path)).toString());
            }
        }
        throw new IOException("no cgroup2 file system is mounted");
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.US_ASCII).strip();
    }

    private static void write(Path file, String value) throws IOException {
        Files.writeString(file, value, StandardCharsets.US_ASCII);
    }

    /** The cgroup of one execution. {@link #close()} kills what is left in it and removes it. */
    static final class Cgroup implements AutoCloseable {

        private final Path directory;

        Cgroup(Path directory) {
            this.directory = directory;
        }

        /**
         * {@code argv} preceded by a shell that moves itself into this cgroup and then execs it: the same process,
         * so everything it starts is inside. The path and the command are arguments, never part of the script.
         */
        List<String> enter(List<String> argv) {
            List<String> entered = new ArrayList<>(argv.size() + 4);
            entered.addAll(List.of(
                    "/bin/sh",
                    "-c",
                    "echo 0 > \"$0\" && exec \"$@\"",
                    directory.resolve("cgroup.procs").toString()));
            entered.addAll(argv);
            return entered;
        }

        /** SIGKILLs every process in the cgroup, whatever its parent; idempotent. */
        void kill() {
            try {
                write(directory.resolve("cgroup.kill"), "1");
            } catch (NoSuchFileException gone) {
                // removed already
            } catch (IOException e) {
                log.warn("Could not kill the processes of {}: {}", directory, e.toString());
            }
        }

        /** Kills what is left, waits until the cgroup is empty, and removes it; logs instead of throwing. */
        @Override
        public void close() {
            kill();
            long deadline = System.nanoTime() + EMPTYING.toNanos();
            boolean interrupted = false;
            try {
                while (populated()) {
                    if (System.nanoTime() > deadline) {
                        log.warn(
                                "{} still holds processes {} after they were killed; left for the next start",
                                directory,
                                EMPTYING);
                        return;
                    }
                    try {
                        Thread.sleep(5); // the kernel empties a killed cgroup within milliseconds
                    } catch (InterruptedException e) {
                        interrupted = true; // a cancel: the cgroup is being emptied anyway
                    }
                }
                Files.delete(directory);
            } catch (NoSuchFileException gone) {
                // removed already
            } catch (IOException e) {
                log.warn("Could not remove {}: {}", directory, e.toString());
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        private boolean populated() throws IOException {
            return read(directory.resolve("cgroup.events")).lines().anyMatch(line -> line.equals("populated 1"));
        }
    }
}
