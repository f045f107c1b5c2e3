package dev.hotloop.toolrunner.execution;

import dev.hotloop.toolrunner.registry.PreparedCall;
import dev.hotloop.toolrunner.sandbox.RunResult;
import java.time.Duration;
import java.util.List;

/**
 * What a tool call produced.
 *
 * @param call     the call that ran
 * @param runs     one result per command, in order
 * @param duration wall-clock time of the whole call, including waiting for a slot
 */
public record ExecutionResult(PreparedCall call, List<RunResult> runs, Duration duration) {

    public ExecutionResult {
        runs = List.copyOf(runs);
    }

    public boolean timedOut() {
        return runs.stream().anyMatch(run -> run.outcome() instanceof RunResult.Timeout);
    }

    public boolean truncated() {
        return runs.stream().anyMatch(RunResult::truncated);
    }
}
