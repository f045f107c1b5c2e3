package dev.hotloop.toolrunner.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.hotloop.toolrunner.ProcessTable;
import dev.hotloop.toolrunner.ToolsProperties;
import dev.hotloop.toolrunner.workspace.WorkspaceKey;
import dev.hotloop.toolrunner.workspace.WorkspaceRepository;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * A cgroup per execution on this machine's real cgroup v2 file system, in a subtree the test makes below its own
 * cgroup. The limits need the memory, pids and cpu controllers, which a host that mixes cgroup v1 and v2 (as this one)
 * keeps in v1: the runs here have no limit files, and prove what the limits rely on: the first process is in the
 * cgroup before any user code runs, every process of the cgroup is killed with the command, and the cgroup is removed.
 */
class ExecutionCgroupsTest {

    @TempDir
    Path root;

    private Path subtree;
    private WorkspaceRepository workspaces;

    @BeforeEach
    void subtree() throws IOException {
        subtree = ExecutionCgroups.ownCgroup().resolve("hotloop-test-" + UUID.randomUUID());
        Files.createDirectory(subtree);
        workspaces = new WorkspaceRepository(
                root,
                SandboxProbe.serviceIsRoot() ? new WorkspaceRepository.WorkspaceOwner(65534, 65534) : null,
                Clock.systemUTC());
    }

    @AfterEach
    void removeSubtree() throws IOException {
        try (var children = Files.list(subtree)) {
            children.filter(Files::isDirectory).forEach(child -> new ExecutionCgroups.Cgroup(child).close());
        }
        Files.delete(subtree);
    }

    @Test
    void everyProcessOfARunIsInTheRunsOwnCgroupWhichIsRemovedAfter() throws Exception {
        SandboxRunner runner = new SandboxRunner(SandboxProbe.detect(properties(false), root), cgroupsWithoutLimits());
        String marker = "in-cgroup-" + UUID.randomUUID();
        try (WorkspaceRepository.Lease workspace = workspaces.open(new WorkspaceKey("t", "c"))) {
            CompletableFuture<RunResult> result = CompletableFuture.supplyAsync(() -> runner.run(
                    workspace.directory(),
                    List.of("/bin/bash", "-c", "sleep 300 & until [ -e go ]; do sleep 0.05; done # " + marker),
                    Duration.ofSeconds(30),
                    1_000,
                    new Cancellation()));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> ProcessTable.processesWith(marker).size() >= 2);

            // bwrap (the first process: the shell that moved itself in exec'd it) and the command
            for (long pid : ProcessTable.processesWith(marker)) {
                assertThat(cgroupOf(pid)).as("cgroup of %d", pid).contains("/" + subtree.getFileName() + "/sandbox-");
            }
            Files.createFile(workspace.directory().resolve("go"));
            assertThat(result.get(30, TimeUnit.SECONDS).outcome()).isEqualTo(new RunResult.Exit(0));
        }

        try (var children = Files.list(subtree)) {
            assertThat(children.filter(Files::isDirectory))
                    .as("cgroups left in %s", subtree)
                    .isEmpty();
        }
    }

    @Test
    void aDaemonThatLeftTheProcessTreeEndsWithItsCommand() throws Exception {
        // without bwrap nothing else would stop it: a double fork leaves the tree, setsid leaves the session
        SandboxRunner runner = new SandboxRunner(SandboxProbe.detect(properties(true), root), cgroupsWithoutLimits());
        String marker = "daemon-" + UUID.randomUUID();
        try (WorkspaceRepository.Lease workspace = workspaces.open(new WorkspaceKey("t", "d"))) {
            RunResult result = runner.run(
                    workspace.directory(),
                    List.of(
                            "/bin/bash",
                            "-c",
                            "(setsid bash -c 'sleep 300; : " + marker + "' >/dev/null 2>&1 &); echo started"),
                    Duration.ofSeconds(30),
                    1_000,
                    new Cancellation());

            assertThat(result.stdout()).isEqualTo("started\n");
        }

        assertThat(ProcessTable.processesWith(marker)).isEmpty();
    }

    @Test
    void cancellingKillsEveryProcessOfTheCgroup() throws Exception {
        SandboxRunner runner = new SandboxRunner(SandboxProbe.detect(properties(true), root), cgroupsWithoutLimits());
        String marker = "cancelled-" + UUID.randomUUID();
        Cancellation cancellation = new Cancellation();
        try (WorkspaceRepository.Lease workspace = workspaces.open(new WorkspaceKey("t", "e"))) {
            CompletableFuture<RunResult> result = CompletableFuture.supplyAsync(() -> runner.run(
                    workspace.directory(),
                    List.of(
                            "/bin/bash",
                            "-c",
                            "(setsid bash -c 'sleep 300; : " + marker + "' >/dev/null 2>&1 &); sleep 300"),
                    Duration.ofSeconds(60),
                    1_000,
                    cancellation));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> !ProcessTable.processesWith(marker).isEmpty());

            cancellation.cancel();

            assertThatThrownBy(() -> result.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(CancellationException.class);
        }
        assertThat(ProcessTable.processesWith(marker)).isEmpty();
        try (var children = Files.list(subtree)) {
            assertThat(children.filter(Files::isDirectory)).isEmpty();
        }
    }

    @Test
    void startingRemovesTheCgroupsOfAServiceThatEndedAndSparesThoseOfOneThatRuns() throws IOException {
        Path ofAnEndedService =
                Files.createDirectory(subtree.resolve("sandbox-" + Integer.MAX_VALUE + "-" + UUID.randomUUID()));
        Path ofThisService = Files.createDirectory(
                subtree.resolve("sandbox-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID()));

        cgroupsWithoutLimits();

        assertThat(ofAnEndedService).doesNotExist();
        assertThat(ofThisService).isDirectory();
    }

    @Test
    void theLimitsBoundTheWholeSandbox() {
        ToolsProperties.Limits limits = bind(Map.of(
                        "hotloop.tools.limits.memory",
                        "256MB",
                        "hotloop.tools.limits.processes",
                        "32",
                        "hotloop.tools.limits.cpus",
                        "0.5"))
                .limits();

        assertThat(ExecutionCgroups.limitFiles(limits))
                .containsExactly(
                        Map.entry("memory.max", "268435456"), Map.entry("memory.swap.max", "0"),
                        Map.entry("pids.max", "32"), Map.entry("cpu.max", "50000 100000"));
    }

    @Test
    void aDirectoryThatIsNoCgroupIsRefusedWhenRequiredAndLeftToTheRlimitsOtherwise() {
        ToolsProperties.Limits limits = bind(Map.of()).limits();

        assertThatThrownBy(() ->
                        ExecutionCgroups.detect(new ToolsProperties.Cgroup(ToolsProperties.Use.REQUIRED, root), limits))
                .isInstanceOf(SandboxProbe.SandboxUnavailableException.class)
                .hasMessageContaining(root + " is not a cgroup v2 directory");
        assertThat(ExecutionCgroups.detect(new ToolsProperties.Cgroup(ToolsProperties.Use.AUTO, root), limits))
                .isEmpty();
        assertThat(ExecutionCgroups.detect(new ToolsProperties.Cgroup(ToolsProperties.Use.NEVER, subtree), limits))
                .isEmpty();
    }

    /** The real subtree, prepared as at start-up, with no limit files (this host's controllers may be in cgroup v1). */
    private ExecutionCgroups cgroupsWithoutLimits() throws IOException {
        ExecutionCgroups cgroups = new ExecutionCgroups(subtree, Map.of());
        cgroups.prepare(false);
        return cgroups;
    }

    private ToolsProperties properties(boolean insecure) {
        return bind(Map.of(
                "hotloop.tools.workspace.root",
                root.toString(),
                "hotloop.tools.sandbox.insecure-no-sandbox",
                String.valueOf(insecure)));
    }

    private static ToolsProperties bind(Map<String, String> settings) {
        return new Binder(new MapConfigurationPropertySource(new LinkedHashMap<>(settings)))
                .bindOrCreate("hotloop.tools", ToolsProperties.class);
    }

    private static String cgroupOf(long pid) throws IOException {
        return Files.readString(Path.of("/proc/" + pid + "/cgroup"))
                .lines()
                .filter(line -> line.startsWith("0::"))
                .findFirst()
                .orElseThrow();
    }
}
