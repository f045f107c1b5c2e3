package dev.hotloop.toolrunner.sandbox;

import java.nio.file.Path;
import java.util.List;

/** Turns a command into the host process that runs it confined to a workspace. */
public interface SandboxLauncher {

    /**
     * The host process for {@code command} (an argv, never a shell string) with {@code workspace} as its
     * {@code /workspace} and working directory, its rlimits set and a scrubbed environment.
     */
    ProcessBuilder command(Path workspace, List<String> command);

    /** What kind of isolation the commands get, for logs and health. */
    SandboxMode mode();
}
