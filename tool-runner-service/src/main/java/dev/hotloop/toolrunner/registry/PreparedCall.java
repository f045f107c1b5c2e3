package dev.hotloop.toolrunner.registry;

import java.time.Duration;
import java.util.List;

/**
 * A validated tool call, ready to run: its commands run one after the other in the chain's workspace.
 *
 * @param tool            the tool it calls
 * @param commands        one argv per command; for the shell each is {@code /bin/bash -lc <command>}
 * @param timeout         the wall-clock limit of each command
 * @param maxOutputLength the cap on each command's stdout and stderr together
 */
public record PreparedCall(ToolDefinition tool, List<List<String>> commands, Duration timeout, int maxOutputLength) {

    public PreparedCall {
        commands = List.copyOf(commands);
    }
}
