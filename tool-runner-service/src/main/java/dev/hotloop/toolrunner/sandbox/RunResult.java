package dev.hotloop.toolrunner.sandbox;

import java.time.Duration;

/**
 * How one command ended and what it printed, already cut to the output cap.
 *
 * @param stdout    standard output, with a truncation marker when cut
 * @param stderr    standard error, with a truncation marker when cut
 * @param outcome   an exit (a code of 128+N means killed by signal N, as a shell reports it) or the timeout
 * @param truncated whether output was cut
 * @param duration  wall-clock time from start to the end of the process tree
 */
public record RunResult(String stdout, String stderr, Outcome outcome, boolean truncated, Duration duration) {

    /** How a command ended. */
    public sealed interface Outcome permits Exit, Timeout {}

    /** @param code the exit status of the command */
    public record Exit(int code) implements Outcome {}

    /** The wall-clock timeout killed the whole process tree. */
    public record Timeout() implements Outcome {}
}
