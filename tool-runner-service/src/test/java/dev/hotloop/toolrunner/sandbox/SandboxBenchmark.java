package dev.hotloop.toolrunner.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hotloop.toolrunner.ToolRunnerApplication;
import dev.hotloop.toolrunner.ToolsProperties;
import dev.hotloop.toolrunner.workspace.WorkspaceKey;
import dev.hotloop.toolrunner.workspace.WorkspaceRepository;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Sandbox start-up cost per execution and executions per second, for benchmarks/README.md. Not part of the default
 * test run: {@code ./mvnw -pl tool-runner-service -am verify -Dgroups=benchmark -DexcludedGroups= -Dtest=SandboxBenchmark
 * -Dsurefire.failIfNoSpecifiedTests=false}. Prints a Markdown table and writes it to
 * {@code tool-runner-service/target/sandbox-benchmark.md}.
 */
@Tag("benchmark")
class SandboxBenchmark {

    private static final int WARMUP = 30;
    private static final int SAMPLES = 400;
    private static final Duration WINDOW = Duration.ofSeconds(4);
    private static final List<Integer> CONCURRENCY = List.of(1, 2, 4, 8);
    private static final List<String> TRUE = List.of("/usr/bin/true");

    @TempDir
    Path root;

    private final StringBuilder report = new StringBuilder();

    @Test
    void startUpCostAndThroughput() throws IOException {
        line("load average before: " + load());
        line("");
        line("| mode | what runs | p50 ms | p99 ms | mean ms | exec/s c=1 | c=2 | c=4 | c=8 |");
        line("|---|---|---|---|---|---|---|---|---|");
        // privileged first: its RLIMIT_NPROC counts the run-as user host-wide, and the kernel frees the user namespaces
        // of the other mode (and their charge on that user) only asynchronously
        measure("bwrap, privileged (no user namespace)", Map.of("hotloop.tools.sandbox.user-namespace", "never"));
        measure("bwrap, user namespace (default)", Map.of("hotloop.tools.sandbox.user-namespace", "required"));
        measure("no sandbox (insecure mode, baseline)", Map.of("hotloop.tools.sandbox.insecure-no-sandbox", "true"));
        measureHttp();
        line("");
        line("load average after: " + load() + "; " + Runtime.getRuntime().availableProcessors() + " CPUs");
        System.out.println(report);
        Files.writeString(Path.of("target/sandbox-benchmark.md"), report);
    }

    private void measure(String mode, Map<String, String> settings) {
        Map<String, String> configuration = new HashMap<>(settings);
        configuration.put("hotloop.tools.workspace.root", root.toString());
        ToolsProperties properties = new Binder(new MapConfigurationPropertySource(configuration))
                .bindOrCreate("hotloop.tools", ToolsProperties.class);
        boolean sandboxed = !properties.sandbox().insecureNoSandbox();
        WorkspaceRepository workspaces = new WorkspaceRepository(
                root,
                sandboxed && SandboxProbe.serviceIsRoot() ? new WorkspaceRepository.WorkspaceOwner(65534, 65534) : null,
                Clock.systemUTC());
        SandboxRunner runner = new SandboxRunner(SandboxProbe.detect(properties, workspaces.root()));
        try (WorkspaceRepository.Lease lease = workspaces.open(new WorkspaceKey("bench", "chain"))) {
            Path workspace = lease.directory();
            for (int i = 0; i < WARMUP; i++) {
                run(runner, workspace);
            }
            long[] nanos = new long[SAMPLES];
            for (int i = 0; i < SAMPLES; i++) {
                long start = System.nanoTime();
                run(runner, workspace);
                nanos[i] = System.nanoTime() - start;
            }
            Arrays.sort(nanos);
            List<String> throughput = new ArrayList<>();
            for (int concurrency : CONCURRENCY) {
                throughput.add(String.format("%.0f", perSecond(concurrency, () -> run(runner, workspace))));
            }
            line(String.format(
                    "| %s | `%s` via SandboxRunner | %.1f | %.1f | %.1f | %s |",
                    mode,
                    String.join(" ", TRUE),
                    millis(nanos[SAMPLES / 2]),
                    millis(nanos[(int) Math.ceil(SAMPLES * 0.99) - 1]),
                    millis(Arrays.stream(nanos).sum() / SAMPLES),
                    String.join(" | ", throughput)));
        }
    }

    /** The whole service: HTTP, JSON, admission, workspace, sandbox; a shell call of {@code true}. */
    private void measureHttp() {
        try (ConfigurableApplicationContext context = ToolRunnerApplication.builder()
                .properties(
                        "server.port=0",
                        "hotloop.tools.workspace.root=" + root,
                        "hotloop.tools.execution.max-concurrent=8",
                        "hotloop.tools.execution.max-queued=64",
                        "logging.level.root=WARN")
                .run()) {
            WebClient client = WebClient.create(
                    "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port"));
            String body = "{\"tool\":\"shell\",\"arguments\":{\"commands\":[\"true\"]}}";
            Runnable call = () -> client.post()
                    .uri("/internal/v1/tenants/bench/chains/http/executions")
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(body)
                    .retrieve()
                    .bodyToMono(String.class)
                    .block(Duration.ofSeconds(30));
            for (int i = 0; i < WARMUP; i++) {
                call.run();
            }
            long[] nanos = new long[SAMPLES / 2];
            for (int i = 0; i < nanos.length; i++) {
                long start = System.nanoTime();
                call.run();
                nanos[i] = System.nanoTime() - start;
            }
            Arrays.sort(nanos);
            List<String> throughput = new ArrayList<>();
            for (int concurrency : CONCURRENCY) {
                throughput.add(String.format("%.0f", perSecond(concurrency, call)));
            }
            line(String.format(
                    "| bwrap, user namespace, through the HTTP API | shell call `true` (bash -lc) | %.1f | %.1f | %.1f | %s |",
                    millis(nanos[nanos.length / 2]),
                    millis(nanos[(int) Math.ceil(nanos.length * 0.99) - 1]),
                    millis(Arrays.stream(nanos).sum() / nanos.length),
                    String.join(" | ", throughput)));
        }
    }

    private static void run(SandboxRunner runner, Path workspace) {
        RunResult result = runner.run(workspace, TRUE, Duration.ofSeconds(30), 1_000, new Cancellation());
        assertThat(result.outcome()).isEqualTo(new RunResult.Exit(0));
    }

    /** Executions per second with {@code concurrency} callers looping for the window. */
    private static double perSecond(int concurrency, Runnable call) {
        AtomicLong done = new AtomicLong();
        long deadline = System.nanoTime() + WINDOW.toNanos();
        long start = System.nanoTime();
        Flux.range(0, concurrency)
                .flatMap(
                        worker -> Mono.fromRunnable(() -> {
                                    while (System.nanoTime() < deadline) {
                                        call.run();
                                        done.incrementAndGet();
                                    }
                                })
                                .subscribeOn(Schedulers.boundedElastic()),
                        concurrency)
                .blockLast();
        return done.get() / ((System.nanoTime() - start) / 1e9);
    }

    private static double millis(long nanos) {
        return nanos / 1e6;
    }

    private static String load() {
        return String.format(
                "%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    private void line(String text) {
        report.append(text).append('\n');
    }
}
