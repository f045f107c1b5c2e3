package dev.hotloop.toolrunner;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.hibernate.validator.constraints.time.DurationMin;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of tool-runner-service.
 *
 * @param workspace  where each tenant chain's working directory lives and how long it outlives its last use
 * @param execution  timeouts, output caps and concurrency of tool executions
 * @param limits     the rlimits of every process in a sandbox
 * @param sandbox    how the sandbox is built
 * @param configured the argv-template tools offered besides the shell
 */
@Validated
@ConfigurationProperties("hotloop.tools")
public record ToolsProperties(
        @DefaultValue @Valid Workspace workspace,
        @DefaultValue @Valid Execution execution,
        @DefaultValue @Valid Limits limits,
        @DefaultValue @Valid Sandbox sandbox,
        @DefaultValue List<@Valid ConfiguredTool> configured) {

    /**
     * @param root            the host directory holding {@code <tenant>/<chain>/work}; created when missing; it and its
     *                        parents must be traversable by the sandbox user
     * @param ttl             a workspace is removed once it has not been used for this long
     * @param cleanupInterval how often expired workspaces are looked for
     */
    public record Workspace(
            @DefaultValue("/var/tmp/hotloop/workspaces") @NotNull
            Path root,

            @DefaultValue("24h") @NotNull @DurationMin(seconds = 1)
            Duration ttl,

            @DefaultValue("5m") @NotNull @DurationMin(seconds = 1)
            Duration cleanupInterval) {}

    /**
     * @param defaultTimeout      wall-clock limit of one command when the call gives none ({@code timeout_ms})
     * @param maxTimeout          the largest wall-clock limit a call may ask for; larger asks are lowered to it
     * @param defaultOutputLength characters of combined stdout and stderr kept per command when the call gives no
     *                            {@code max_output_length}
     * @param maxOutputLength     the largest {@code max_output_length} a call may ask for; larger asks are lowered to it
     * @param maxCommands         the most commands one shell call may carry
     * @param maxConcurrent       executions running at once; each holds a few threads and its sandbox's processes
     * @param maxQueued           executions waiting for a slot; beyond them a call is refused with 503
     *                            {@code tool_runner_overloaded}
     */
    public record Execution(
            @DefaultValue("30s") @NotNull @DurationMin(millis = 1)
            Duration defaultTimeout,

            @DefaultValue("5m") @NotNull @DurationMin(millis = 1)
            Duration maxTimeout,

            @DefaultValue("10000") @Min(1) int defaultOutputLength,

            @DefaultValue("1000000") @Min(1) @Max(64_000_000)
            int maxOutputLength,

            @DefaultValue("20") @Min(1) int maxCommands,
            @DefaultValue("4") @Min(1) int maxConcurrent,
            @DefaultValue("16") @Min(0) int maxQueued) {}

    /**
     * What one execution may use. The rlimits (set by {@code prlimit} inside the sandbox, just before the tool's
     * program) always apply, to each process; {@code processes} bounds how many the sandbox may hold, so together they
     * bound one execution. With a cgroup per execution ({@link Sandbox#cgroup()}), {@code memory}, {@code processes}
     * and {@code cpus} also bound all its processes together.
     *
     * @param cpuTime      CPU time of one process ({@code RLIMIT_CPU}, whole seconds)
     * @param addressSpace virtual memory of one process ({@code RLIMIT_AS})
     * @param processes    processes and threads of the sandbox user ({@code RLIMIT_NPROC}; counted per sandbox when it
     *                     has its own user namespace), and of the whole sandbox ({@code pids.max}) with a cgroup
     * @param fileSize     the largest file a process may write ({@code RLIMIT_FSIZE})
     * @param openFiles    open file descriptors of one process ({@code RLIMIT_NOFILE})
     * @param tmpSize      size of the sandbox's private {@code /tmp} and {@code /dev/shm} (memory-backed)
     * @param memory       memory of the whole sandbox, page cache and its {@code /tmp} included ({@code memory.max},
     *                     no swap: {@code memory.swap.max=0}); with a cgroup only
     * @param cpus         CPU cores the whole sandbox may use at once ({@code cpu.max}, e.g. 0.5); with a cgroup only
     */
    public record Limits(
            @DefaultValue("60s") @NotNull @DurationMin(seconds = 1)
            Duration cpuTime,

            @DefaultValue("2GB") @NotNull DataSize addressSpace,
            @DefaultValue("128") @Min(1) int processes,
            @DefaultValue("1GB") @NotNull DataSize fileSize,
            @DefaultValue("1024") @Min(16) int openFiles,
            @DefaultValue("256MB") @NotNull DataSize tmpSize,
            @DefaultValue("2GB") @NotNull DataSize memory,
            @DefaultValue("1") @DecimalMin("0.01") double cpus) {}

    /**
     * @param insecureNoSandbox runs tools as plain processes of the service, without bwrap (rlimits and timeouts still
     *                          apply): for development on machines without bubblewrap only. Logged as a warning at
     *                          start and shown by the health endpoint.
     * @param bwrap             the bubblewrap executable: a name looked up on {@code PATH}, or a path
     * @param userNamespace     {@code auto}: a user namespace per sandbox when the kernel allows it, else (service
     *                          running as root only) bwrap runs privileged and drops to {@code run-as-uid} inside;
     *                          {@code required}: refuse to start without one; {@code never}: always the latter
     * @param runAsUid          the host user that sandboxed processes run as when the service runs as root (it must
     *                          not be 0); otherwise they run as the service's own user
     * @param runAsGid          the host group that goes with {@code run-as-uid}
     * @param readOnlyPaths     host paths bound read-only at the same place inside the sandbox when they exist;
     *                          {@code /bin}, {@code /lib*} and {@code /sbin} follow the host (symlink or directory)
     * @param environment       variables set in the sandbox on top of the fixed scrubbed set ({@code PATH},
     *                          {@code HOME=/workspace}, {@code LANG=C.UTF-8}, {@code TMPDIR=/tmp}, …); nothing of
     *                          the service's own environment is passed on
     * @param cgroup            a cgroup v2 per execution, which bounds the sandbox as a whole
     */
    public record Sandbox(
            @DefaultValue("false") boolean insecureNoSandbox,
            @DefaultValue("bwrap") @NotBlank String bwrap,
            @DefaultValue("auto") @NotNull Use userNamespace,
            @DefaultValue("65534") @Min(1) int runAsUid,
            @DefaultValue("65534") @Min(1) int runAsGid,

            @DefaultValue({
                "/usr",
                "/etc/alternatives",
                "/etc/ld.so.cache",
                "/etc/ld.so.conf",
                "/etc/ld.so.conf.d",
                "/etc/ssl",
                "/etc/ca-certificates",
                "/etc/localtime",
                "/etc/timezone",
                "/etc/profile",
                "/etc/profile.d",
                "/etc/bash.bashrc",
                "/etc/inputrc",
                "/etc/nsswitch.conf",
                "/etc/mime.types",
                "/etc/magic",
                "/etc/os-release",
                "/etc/debian_version",
                "/etc/gitconfig"
            })
            List<String> readOnlyPaths,

            @DefaultValue Map<String, String> environment,
            @DefaultValue @Valid Cgroup cgroup) {}

    /**
     * Each execution in a cgroup of its own under a delegated cgroup v2 subtree, with {@code memory.max},
     * {@code memory.swap.max}, {@code pids.max} and {@code cpu.max} from {@link Limits}; killed as a whole
     * ({@code cgroup.kill}) at its timeout and removed after.
     *
     * @param mode {@code auto}: when a writable subtree with the memory, pids and cpu controllers is found, else the
     *             rlimits alone (logged at start, shown by health); {@code required}: refuse to start without one;
     *             {@code never}: the rlimits alone
     * @param path the delegated subtree (a directory of a cgroup2 mount, e.g.
     *             {@code /sys/fs/cgroup/system.slice/hotloop.service}); unset: the service's own cgroup, which is
     *             delegated in a container whose cgroup is mounted read-write, or in a systemd unit with
     *             {@code Delegate=yes}. Processes already in it are moved to a {@code service} child, as cgroup v2
     *             keeps processes out of a cgroup whose children it limits
     */
    public record Cgroup(
            @DefaultValue("auto") @NotNull Use mode,
            @Nullable Path path) {}

    /** Whether a sandbox feature is used: where available ({@code auto}), always or refuse to start, or never. */
    public enum Use {
        AUTO,
        REQUIRED,
        NEVER
    }

    /**
     * A tool that runs one fixed program with arguments filled from the model's validated arguments; never a shell.
     *
     * @param name            the function name the model calls ({@code [A-Za-z0-9_-]{1,64}}, not {@code shell})
     * @param description     what the model is told the tool does
     * @param parameters      the JSON Schema of the arguments, as JSON text; an object schema. Supported keywords:
     *                        type, properties, required, additionalProperties, enum, const, items, minItems,
     *                        maxItems, minLength, maxLength, minimum, maximum, pattern, and
     *                        {@code "format": "workspace-path"} for a file argument that must stay in the workspace
     * @param argv            the command: an absolute program path, then arguments; an element that is exactly
     *                        {@code {name}} is replaced by that argument (one element; an array argument gives one
     *                        element per item; an absent optional one gives none)
     * @param timeout         the wall-clock limit of one run; the execution default when unset
     * @param maxOutputLength characters of combined stdout and stderr kept; the execution default when unset
     */
    public record ConfiguredTool(
            @NotBlank String name,
            @NotBlank String description,

            @DefaultValue("{\"type\":\"object\",\"properties\":{}}") @NotBlank
            String parameters,

            @NotEmpty List<String> argv,
            @Nullable Duration timeout,
            @Nullable @Min(1) Integer maxOutputLength) {}
}
