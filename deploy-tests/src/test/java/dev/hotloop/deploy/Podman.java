package dev.hotloop.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The podman CLI, with the project's containers.conf (runc, cgroupfs, no default ulimits) instead of /etc's. */
final class Podman {

    private static final Path CONFIG = HotloopChart.ROOT.resolve("images/containers.conf");
    private static final long TIMEOUT_SECONDS = 120;

    private Podman() {}

    /** What a finished podman command printed, and its exit code. */
    record Result(int exitCode, String output) {}

    /** Runs {@code podman args...}; throws with its output unless it exits with 0. */
    static String run(List<String> args) {
        Result result = attempt(args);
        if (result.exitCode() != 0) {
            throw new IllegalStateException(
                    "podman " + String.join(" ", args) + " exited with " + result.exitCode() + ":\n" + result.output());
        }
        return result.output().strip();
    }

    static String run(String... args) {
        return run(List.of(args));
    }

    /** Runs {@code podman args...} and returns its exit code and output (stdout and stderr). */
    static Result attempt(List<String> args) {
        List<String> command = new ArrayList<>(List.of("podman"));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("CONTAINERS_CONF", CONFIG.toString());
        try {
            Process process = builder.start();
            process.getOutputStream().close();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("podman " + String.join(" ", args) + " did not finish");
            }
            return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
