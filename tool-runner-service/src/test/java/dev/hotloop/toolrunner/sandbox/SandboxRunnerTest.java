package dev.hotloop.toolrunner.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.hotloop.toolrunner.ProcessTable;
import dev.hotloop.toolrunner.ToolsProperties;
import dev.hotloop.toolrunner.workspace.WorkspaceKey;
import dev.hotloop.toolrunner.workspace.WorkspaceRepository;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** The runner on its own, with real bwrap and tight rlimits: each limit is hit for real. */
class SandboxRunnerTest {

    @TempDir
    Path root;

    private SandboxRunner runner;
    private WorkspaceRepository.Lease workspace;

    @BeforeEach
    void sandbox() {
        ToolsProperties properties = new Binder(new MapConfigurationPropertySource(Map.of(
                        "hotloop.tools.workspace.root", root.toString(),
                        "hotloop.tools.limits.cpu-time", "1s",
                        "hotloop.tools.limits.address-space", "256MB",
                        "hotloop.tools.limits.processes", "32",
                        "hotloop.tools.limits.file-size", "1MB",
                        "hotloop.tools.limits.open-files", "64")))
                .bindOrCreate("hotloop.tools", ToolsProperties.class);
        WorkspaceRepository workspaces = new WorkspaceRepository(
                root,
                SandboxProbe.serviceIsRoot() ? new WorkspaceRepository.WorkspaceOwner(65534, 65534) : null,
                Clock.systemUTC());
        runner = new SandboxRunner(SandboxProbe.detect(properties, workspaces.root()));
        workspace = workspaces.open(new WorkspaceKey("t", "c"));
    }

    @AfterEach
    void close() {
        workspace.close();
    }

    @Test
    void everyProcessGetsTheConfiguredRlimits() {
        RunResult result =
                bash("ulimit -t; ulimit -v; ulimit -u; ulimit -f; ulimit -n; ulimit -c", Duration.ofSeconds(10));

        assertThat(result.stdout()).isEqualTo("1\n262144\n32\n1024\n64\n0\n");
    }

    @Test
    void cpuTimeLimitKillsABusyLoopLongBeforeTheWallClockTimeout() {
        RunResult result = bash("while :; do :; done", Duration.ofSeconds(20));

        assertThat(result.outcome())
                .isIn(new RunResult.Exit(128 + 9), new RunResult.Exit(128 + 24)); // SIGKILL or SIGXCPU
        assertThat(result.duration()).isLessThan(Duration.ofSeconds(15));
    }

    @Test
    void fileSizeLimitStopsAHugeFile() {
        RunResult result = bash("head -c 10M /dev/zero > big; echo $? >&2; stat -c %s big", Duration.ofSeconds(10));

        assertThat(result.stderr()).contains("153"); // 128 + SIGXFSZ
        assertThat(result.stdout()).isEqualTo("1048576\n");
    }

    @Test
    void openFilesLimitHolds() {
        RunResult result = bash(
                "for i in $(seq 3 80); do eval \"exec $i</dev/null\" || { echo stopped at $i; break; }; done",
                Duration.ofSeconds(10));

        assertThat(result.stdout()).isEqualTo("stopped at 64\n");
    }

    @Test
    void cancelKillsTheRunningTreeAtOnce() {
        String marker = "runner-cancel-" + UUID.randomUUID();
        Cancellation cancellation = new Cancellation();
        CompletableFuture<RunResult> run = CompletableFuture.supplyAsync(() -> runner.run(
                workspace.directory(),
                List.of("/bin/bash", "-c", "exec -a " + marker + " sleep 600"),
                Duration.ofSeconds(60),
                1000,
                cancellation));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> !ProcessTable.processesWith(marker).isEmpty());

        cancellation.cancel();

        assertThatThrownBy(run::join).hasCauseInstanceOf(CancellationException.class);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> ProcessTable.processesWith(marker).isEmpty());
        assertThatThrownBy(() -> bash("true", Duration.ofSeconds(5), cancellation))
                .isInstanceOf(CancellationException.class);
    }

    private RunResult bash(String script, Duration timeout) {
        return bash(script, timeout, new Cancellation());
    }

    private RunResult bash(String script, Duration timeout, Cancellation cancellation) {
        return runner.run(workspace.directory(), List.of("/bin/bash", "-c", script), timeout, 10_000, cancellation);
    }
}
