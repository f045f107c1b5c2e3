package dev.hotloop.toolrunner.sandbox;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one command in the sandbox and waits for it: blocking, so never on an event loop. Both output streams are
 * drained by virtual threads into bounded buffers while the process runs (a full pipe never stalls it); at the
 * wall-clock timeout, or on cancel, the whole process tree is killed. With execution cgroups, each run gets its own
 * cgroup, which is killed as a whole once the command ended and removed.
 */
public final class SandboxRunner {

    private static final Logger log = LoggerFactory.getLogger(SandboxRunner.class);
    /** After the process ended, how long its pipes may stay open (only an unsandboxed orphan can hold them). */
    private static final Duration DRAIN_GRACE = Duration.ofSeconds(2);

    private static final File NO_INPUT = new File("/dev/null");

    private final SandboxLauncher launcher;
    private final @Nullable ExecutionCgroups cgroups;

    /** Without a cgroup per execution: the rlimits alone bound it. */
    public SandboxRunner(SandboxLauncher launcher) {
        this(launcher, null);
    }

    /** @param cgroups where each execution gets a cgroup of its own, or null for the rlimits alone */
    public SandboxRunner(SandboxLauncher launcher, @Nullable ExecutionCgroups cgroups) {
        this.launcher = launcher;
        this.cgroups = cgroups;
    }

    public SandboxMode mode() {
        return launcher.mode();
    }

    /** The delegated cgroup v2 subtree that bounds each execution as a whole, when there is one. */
    public Optional<Path> cgroupSubtree() {
        return Optional.ofNullable(cgroups).map(ExecutionCgroups::subtree);
    }

    /**
     * Runs {@code command} (an argv) with {@code workspace} as {@code /workspace}.
     *
     * @param maxOutputLength the cap on stdout and stderr together, in bytes (so at most as many characters)
     * @return the outcome; a non-zero exit or a timeout is a result, not an error
     * @throws CancellationException when {@code cancellation} fired before or during the run (the tree is killed)
     * @throws UncheckedIOException  when the sandbox could not be started at all
     */
    public RunResult run(
            Path workspace, List<String> command, Duration timeout, int maxOutputLength, Cancellation cancellation) {
        if (cancellation.isCancelled()) {
            throw new CancellationException("The execution was cancelled.");
        }
        ProcessBuilder builder =
                launcher.command(workspace, command).redirectInput(ProcessBuilder.Redirect.from(NO_INPUT));
        if (cgroups == null) {
            return run(builder, null, timeout, maxOutputLength, cancellation);
        }
        try (ExecutionCgroups.Cgroup cgroup = cgroups.create()) {
            builder.command(cgroup.enter(builder.command()));
            return run(builder, cgroup, timeout, maxOutputLength, cancellation);
        }
    }

    private RunResult run(
            ProcessBuilder builder,
            ExecutionCgroups.@Nullable Cgroup cgroup,
            Duration timeout,
            int maxOutputLength,
            Cancellation cancellation) {
        long started = System.nanoTime();
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start the sandbox: " + e.getMessage(), e);
        }
        Runnable kill = () -> {
            if (cgroup != null) {
                cgroup.kill();
            }
            killTree(process);
        };
        OutputCapture stdout = new OutputCapture(maxOutputLength);
        OutputCapture stderr = new OutputCapture(maxOutputLength);
        Thread stdoutReader = Thread.ofVirtual()
                .name("sandbox-stdout-" + process.pid())
                .start(() -> stdout.drain(process.getInputStream()));
        Thread stderrReader = Thread.ofVirtual()
                .name("sandbox-stderr-" + process.pid())
                .start(() -> stderr.drain(process.getErrorStream()));
        boolean timedOut = false;
        try {
            if (!cancellation.attach(kill)) {
                throw new CancellationException("The execution was cancelled.");
            }
            if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                timedOut = true;
                kill.run();
                process.waitFor(DRAIN_GRACE.toNanos(), TimeUnit.NANOSECONDS);
            }
            if (cgroup != null) {
                cgroup.kill(); // whatever the command left behind ends with it, and no longer holds its output open
            }
            drained(stdoutReader, stderrReader);
        } catch (InterruptedException e) {
            kill.run();
            throw new CancellationException("The execution was cancelled.");
        } finally {
            cancellation.detach();
            if (process.isAlive()) {
                kill.run();
            }
        }
        if (cancellation.isCancelled()) {
            throw new CancellationException("The execution was cancelled.");
        }
        Duration duration = Duration.ofNanos(System.nanoTime() - started);
        OutputCapture.Rendered output = OutputCapture.render(stdout.snapshot(), stderr.snapshot(), maxOutputLength);
        RunResult.Outcome outcome = timedOut ? new RunResult.Timeout() : new RunResult.Exit(process.exitValue());
        return new RunResult(output.stdout(), output.stderr(), outcome, output.truncated(), duration);
    }

    private static void drained(Thread stdoutReader, Thread stderrReader) throws InterruptedException {
        boolean stdoutDrained = stdoutReader.join(DRAIN_GRACE);
        boolean stderrDrained = stderrReader.join(DRAIN_GRACE);
        if (!stdoutDrained || !stderrDrained) {
            log.warn(
                    "A sandboxed command's output was still open {} after it ended; keeping what was read",
                    DRAIN_GRACE);
        }
    }

    /**
     * Kills the process and every descendant it has right now, with SIGKILL. Under bwrap this is the whole tree even
     * if it forks meanwhile: a descendant is the pid namespace's init, whose death makes the kernel kill everything in
     * the namespace.
     */
    static void killTree(Process process) {
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroyForcibly();
        descendants.forEach(ProcessHandle::destroyForcibly);
    }
}
