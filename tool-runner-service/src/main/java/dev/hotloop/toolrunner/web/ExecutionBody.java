package dev.hotloop.toolrunner.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.hotloop.toolrunner.execution.ExecutionResult;
import dev.hotloop.toolrunner.registry.ShellTool;
import dev.hotloop.toolrunner.sandbox.RunResult;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** The answer to {@code POST …/executions}: the shell's shape, or a configured tool's. */
sealed interface ExecutionBody permits ExecutionBody.Shell, ExecutionBody.Function {

    static ExecutionBody of(@Nullable String callId, ExecutionResult result) {
        String tool = result.call().tool().name();
        long durationMs = result.duration().toMillis();
        if (tool.equals(ShellTool.NAME)) {
            List<ShellOutput> output = result.runs().stream()
                    .map(run -> new ShellOutput(run.stdout(), run.stderr(), Outcome.of(run.outcome())))
                    .toList();
            return new Shell(callId, tool, output, result.call().maxOutputLength(), result.truncated(), durationMs);
        }
        RunResult run = result.runs().getFirst();
        return new Function(
                callId,
                tool,
                modelText(run, result.call().timeout().toMillis()),
                run.stdout(),
                run.stderr(),
                Outcome.of(run.outcome()),
                run.truncated(),
                durationMs);
    }

    /**
     * What a {@code function_call_output} should say: stdout, then stderr and how it ended when that is not a clean
     * exit.
     */
    static String modelText(RunResult run, long timeoutMs) {
        StringBuilder text = new StringBuilder(run.stdout());
        if (!run.stderr().isEmpty()) {
            text.append(text.isEmpty() || text.charAt(text.length() - 1) == '\n' ? "" : "\n")
                    .append("[stderr]\n")
                    .append(run.stderr());
        }
        String ending = switch (run.outcome()) {
            case RunResult.Exit(int code) when code == 0 -> null;
            case RunResult.Exit(int code) -> "[exit code " + code + "]";
            case RunResult.Timeout() -> "[timed out after " + timeoutMs + " ms; the process tree was killed]";
        };
        if (ending != null) {
            text.append(text.isEmpty() || text.charAt(text.length() - 1) == '\n' ? "" : "\n")
                    .append(ending);
        }
        return text.toString();
    }

    /**
     * The shell's result: {@code output} is exactly a {@code shell_call_output} item's {@code output}.
     *
     * @param callId          the call's id, as sent
     * @param tool            {@code shell}
     * @param output          one entry per command, in order
     * @param maxOutputLength the cap that applied to each command (to echo in the {@code shell_call_output})
     * @param truncated       whether any command's output was cut (its text then holds a marker)
     * @param durationMs      wall-clock time of the call
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Shell(
            @JsonProperty("call_id") @Nullable String callId,
            String tool,
            List<ShellOutput> output,
            @JsonProperty("max_output_length") int maxOutputLength,
            boolean truncated,
            @JsonProperty("duration_ms") long durationMs)
            implements ExecutionBody {}

    /**
     * One command's part of a shell result.
     *
     * @param stdout  standard output, capped
     * @param stderr  standard error, capped
     * @param outcome {@code {"type":"exit","exit_code":n}} or {@code {"type":"timeout"}}
     */
    record ShellOutput(String stdout, String stderr, Outcome outcome) {}

    /**
     * A configured tool's result.
     *
     * @param callId     the call's id, as sent
     * @param tool       the tool's name
     * @param output     the text for the {@code function_call_output}
     * @param stdout     standard output, capped
     * @param stderr     standard error, capped
     * @param outcome    how it ended
     * @param truncated  whether output was cut
     * @param durationMs wall-clock time of the call
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Function(
            @JsonProperty("call_id") @Nullable String callId,
            String tool,
            String output,
            String stdout,
            String stderr,
            Outcome outcome,
            boolean truncated,
            @JsonProperty("duration_ms") long durationMs)
            implements ExecutionBody {}

    /**
     * @param type     {@code exit} or {@code timeout}
     * @param exitCode the exit status, for {@code exit} only
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Outcome(
            String type,
            @JsonProperty("exit_code") @Nullable Integer exitCode) {

        static Outcome of(RunResult.Outcome outcome) {
            return switch (outcome) {
                case RunResult.Exit(int code) -> new Outcome("exit", code);
                case RunResult.Timeout() -> new Outcome("timeout", null);
            };
        }
    }
}
