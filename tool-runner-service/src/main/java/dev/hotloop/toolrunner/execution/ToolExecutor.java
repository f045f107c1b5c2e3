package dev.hotloop.toolrunner.execution;

import dev.hotloop.protocol.error.ApiException;
import dev.hotloop.toolrunner.registry.PreparedCall;
import dev.hotloop.toolrunner.sandbox.Cancellation;
import dev.hotloop.toolrunner.sandbox.RunResult;
import dev.hotloop.toolrunner.sandbox.SandboxRunner;
import dev.hotloop.toolrunner.workspace.WorkspaceKey;
import dev.hotloop.toolrunner.workspace.WorkspaceRepository;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;

/**
 * Runs a validated call's commands one after the other in its chain's workspace, which stays open (and safe from
 * expiry) until the last one ended. Records {@code hotloop.tool.executions} (tags {@code tool}, {@code outcome}:
 * exit, timeout, cancelled, rejected, error).
 */
public class ToolExecutor {

    private final SandboxRunner runner;
    private final WorkspaceRepository workspaces;
    private final ExecutionGate gate;
    private final MeterRegistry meters;

    public ToolExecutor(
            SandboxRunner runner, WorkspaceRepository workspaces, ExecutionGate gate, MeterRegistry meters) {
        // zero series from the start: "no kills" is an answer a dashboard should show
        meters.counter("hotloop.sandbox.kills", "reason", "timeout");
        meters.counter("hotloop.sandbox.kills", "reason", "cancelled");
        this.runner = runner;
        this.workspaces = workspaces;
        this.gate = gate;
        this.meters = meters;
    }

    /**
     * {@code hotloop.tool.executions{tool,outcome}}, {@code hotloop.tool.duration{tool,outcome}} (a histogram) and
     * {@code hotloop.sandbox.kills{reason}} for the process trees the sandbox had to kill.
     */
    private void record(String tool, String outcome, Timer.Sample sample) {
        meters.counter("hotloop.tool.executions", "tool", tool, "outcome", outcome)
                .increment();
        sample.stop(Timer.builder("hotloop.tool.duration")
                .tag("tool", tool)
                .tag("outcome", outcome)
                .publishPercentileHistogram()
                .register(meters));
        if (outcome.equals("timeout") || outcome.equals("cancelled")) {
            meters.counter("hotloop.sandbox.kills", "reason", outcome).increment();
        }
    }

    /**
     * Runs the call's commands in the workspace, one after another.
     *
     * @return the result once every command ended; 503 {@code tool_runner_overloaded} when no slot is free; cancel
     *         kills the running command's process tree and skips the rest
     */
    public Mono<ExecutionResult> execute(WorkspaceKey workspace, PreparedCall call) {
        return Mono.defer(() -> {
            Timer.Sample sample = Timer.start(meters);
            long started = System.nanoTime();
            AtomicReference<String> outcome = new AtomicReference<>("error");
            return gate.submit(cancellation -> run(workspace, call, cancellation, started))
                    .doOnNext(result -> outcome.set(result.timedOut() ? "timeout" : "exit"))
                    .doOnError(ApiException.class, e -> outcome.set(e.status() == 503 ? "rejected" : "error"))
                    .doFinally(signal -> record(
                            call.tool().name(), signal == SignalType.CANCEL ? "cancelled" : outcome.get(), sample));
        });
    }

    private ExecutionResult run(WorkspaceKey workspace, PreparedCall call, Cancellation cancellation, long started) {
        try (WorkspaceRepository.Lease lease = workspaces.open(workspace)) {
            List<RunResult> runs = new ArrayList<>(call.commands().size());
            for (List<String> command : call.commands()) {
                runs.add(runner.run(lease.directory(), command, call.timeout(), call.maxOutputLength(), cancellation));
            }
            return new ExecutionResult(call, runs, Duration.ofNanos(System.nanoTime() - started));
        }
    }
}
