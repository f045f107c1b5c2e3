package dev.hotloop.toolrunner.sandbox;

import dev.hotloop.toolrunner.ToolsProperties;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What every sandboxed command runs under, whatever the sandbox: {@code prlimit} with the configured rlimits, then the
 * command's own argv. Only numbers from configuration go into it; the command is appended as separate elements.
 */
final class ExecWrapper {

    private static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private ExecWrapper() {}

    /** {@code prlimit --cpu=… --as=… --nproc=… --fsize=… --nofile=… --core=0 --}. */
    static List<String> prlimit(String prlimit, ToolsProperties.Limits limits) {
        List<String> argv = new ArrayList<>();
        argv.add(prlimit);
        argv.add("--cpu=" + Math.max(1, limits.cpuTime().toSeconds()));
        argv.add("--as=" + limits.addressSpace().toBytes());
        argv.add("--nproc=" + limits.processes());
        argv.add("--fsize=" + limits.fileSize().toBytes());
        argv.add("--nofile=" + limits.openFiles());
        argv.add("--core=0");
        argv.add("--");
        return argv;
    }

    /**
     * The whole environment of a sandboxed command: a fixed set plus the configured extras; nothing is inherited.
     *
     * @throws IllegalArgumentException when an extra variable has an invalid name
     */
    static Map<String, String> environment(String home, Map<String, String> extra) {
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        environment.put("HOME", home);
        environment.put("USER", "sandbox");
        environment.put("LOGNAME", "sandbox");
        environment.put("SHELL", "/bin/bash");
        environment.put("LANG", "C.UTF-8");
        environment.put("TMPDIR", "/tmp");
        environment.put("TERM", "dumb");
        extra.forEach((name, value) -> {
            if (!VARIABLE.matcher(name).matches() || value.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("Invalid sandbox environment variable '" + name + "'");
            }
            environment.put(name, value);
        });
        return environment;
    }
}
