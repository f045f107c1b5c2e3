package dev.hotloop.toolrunner;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The host's processes as {@code /proc} shows them, to prove that sandboxed ones are gone. */
public final class ProcessTable {

    private ProcessTable() {}

    /** Pids of live processes whose command line (arguments joined by spaces) contains {@code marker}; zombies have none. */
    public static List<Long> processesWith(String marker) {
        List<Long> pids = new ArrayList<>();
        String self = String.valueOf(ProcessHandle.current().pid());
        try (var entries = Files.list(Path.of("/proc"))) {
            for (Path entry : entries.toList()) {
                String name = entry.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit) || name.equals(self)) {
                    continue;
                }
                try {
                    String commandLine = new String(
                                    Files.readAllBytes(entry.resolve("cmdline")), StandardCharsets.UTF_8)
                            .replace('\0', ' ');
                    if (commandLine.contains(marker)) {
                        pids.add(Long.parseLong(name));
                    }
                } catch (IOException gone) {
                    // exited meanwhile
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return pids;
    }

    /** Pids of the processes that are zombies right now: ended, and not (yet) waited for by their parent. */
    public static Set<Long> zombies() {
        Set<Long> pids = new HashSet<>();
        try (var entries = Files.list(Path.of("/proc"))) {
            for (Path entry : entries.toList()) {
                String name = entry.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    String stat = Files.readString(entry.resolve("stat"), StandardCharsets.UTF_8);
                    // "pid (comm) state ppid …": the command name may hold spaces and parentheses, the state follows
                    // the last ')'
                    if (stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z")) {
                        pids.add(Long.parseLong(name));
                    }
                } catch (IOException gone) {
                    // reaped meanwhile
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return pids;
    }
}
