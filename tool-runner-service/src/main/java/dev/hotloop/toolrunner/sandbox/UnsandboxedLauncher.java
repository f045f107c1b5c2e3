package dev.hotloop.toolrunner.sandbox;

import dev.hotloop.toolrunner.ToolsProperties;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The insecure development mode: commands run as plain processes of the service's user in the workspace directory,
 * with the rlimits, the scrubbed environment and the timeout, but nothing else. They can read and write whatever the
 * service can, reach the network, and leave background processes behind.
 */
final class UnsandboxedLauncher implements SandboxLauncher {

    private final SandboxMode mode;
    private final List<String> prlimit;
    private final Map<String, String> extraEnvironment;

    UnsandboxedLauncher(String prlimit, ToolsProperties.Sandbox sandbox, ToolsProperties.Limits limits, String runAs) {
        this.mode = new SandboxMode(SandboxMode.Kind.INSECURE, null, null, runAs);
        this.prlimit = ExecWrapper.prlimit(prlimit, limits);
        this.extraEnvironment = sandbox.environment();
        ExecWrapper.environment("/", extraEnvironment); // fail at start-up on a bad name
    }

    @Override
    public ProcessBuilder command(Path workspace, List<String> command) {
        List<String> argv = new ArrayList<>(prlimit);
        argv.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(argv).directory(workspace.toFile());
        builder.environment().clear();
        builder.environment().putAll(ExecWrapper.environment(workspace.toString(), extraEnvironment));
        return builder;
    }

    @Override
    public SandboxMode mode() {
        return mode;
    }
}
