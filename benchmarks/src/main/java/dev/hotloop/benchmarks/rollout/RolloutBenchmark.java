package dev.hotloop.benchmarks.rollout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The rollout benchmark as users see it: the platform ({@code hotloop-local-exec.jar}, full JIT) and the model (the
 * standalone simulator, one process per speed) each in their own JVM, a client replaying function-calling rollouts
 * through hotloop in every {@link Mode} and straight to the model (the floor), paired turn by turn. Then a
 * concurrency sweep, the idle-connection memory test and, unless quick, a JFR CPU-time profile of two paths. Writes
 * {@code results.md} and {@code overhead-vs-history.png} to the output directory.
 *
 * <p>Arguments: {@code --quick}, {@code --idle-connections=N}, {@code --profile} / {@code --no-profile},
 * {@code --out=dir}. Needs the system properties {@code hotloop.local.jar} and {@code hotloop.simulator.jar}.
 */
public final class RolloutBenchmark {

    static final String API_KEY = "hotloop-dev-key";
    private static final Duration TTFT_THROTTLED = Duration.ofMillis(50);
    private static final List<String> PROVIDERS = List.of("openai-chat", "openai-responses");

    /** One measured combination: the upstream provider and speed (tokens/s, 0 = unthrottled) and the history. */
    record Cell(String provider, int rate, int historyTokens, int rollouts, int turns) {

        String model() {
            return provider.substring("openai-".length()) + "-" + rate;
        }
    }

    private final Path out;
    private final StringBuilder report = new StringBuilder();

    private RolloutBenchmark(Path out) {
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        Set<String> flags = new LinkedHashSet<>(List.of(args));
        boolean quick = flags.contains("--quick");
        boolean profile = quick ? flags.contains("--profile") : !flags.contains("--no-profile");
        int idleConnections = Integer.parseInt(option(flags, "--idle-connections=", quick ? "200" : "2000"));
        Path out = Path.of(option(flags, "--out=", "benchmarks/target/rollout"));
        Files.createDirectories(out);
        List<Cell> cells = quick ? quickPlan() : fullPlan();
        new RolloutBenchmark(out).run(cells, quick, profile, idleConnections);
    }

    private static List<Cell> quickPlan() {
        List<Cell> cells = new ArrayList<>();
        for (int history : List.of(1_500, 20_000, 100_000)) {
            cells.add(new Cell("openai-chat", 0, history, 2, 10));
        }
        for (int history : List.of(20_000, 100_000)) {
            cells.add(new Cell("openai-responses", 0, history, 2, 10));
        }
        cells.add(new Cell("openai-chat", 1_000, 20_000, 1, 10));
        return cells;
    }

    private static List<Cell> fullPlan() {
        List<Cell> cells = new ArrayList<>();
        for (int history : List.of(1_500, 20_000, 100_000)) {
            cells.add(new Cell("openai-chat", 0, history, 8, 30));
        }
        for (int history : List.of(1_500, 20_000, 100_000)) {
            cells.add(new Cell("openai-responses", 0, history, 3, 30));
        }
        cells.add(new Cell("openai-chat", 65, 1_500, 3, 10));
        for (int rate : List.of(1_000, 4_000)) {
            for (int history : List.of(1_500, 100_000)) {
                cells.add(new Cell("openai-chat", rate, history, 3, 30));
            }
        }
        return cells;
    }

    private void run(List<Cell> cells, boolean quick, boolean profile, int idleConnections) throws Exception {
        Instant started = Instant.now();
        double[] load = loadAverage();
        Map<Integer, ServiceProcess> simulators = new LinkedHashMap<>();
        ServiceProcess platform = null;
        try {
            for (int rate : cells.stream().map(Cell::rate).collect(Collectors.toCollection(LinkedHashSet::new))) {
                simulators.put(
                        rate,
                        ServiceProcess.start(
                                "simulator-" + rate,
                                jar("hotloop.simulator.jar"),
                                List.of("-Xmx1g"),
                                List.of(
                                        "--port={port}",
                                        "--ttft=" + (rate == 0 ? 0 : TTFT_THROTTLED.toMillis()) + "ms",
                                        "--tokens-per-second=" + rate),
                                "/v1/models",
                                API_KEY,
                                out));
            }
            Path routes = writeRoutes(simulators);
            platform = ServiceProcess.start(
                    "platform",
                    jar("hotloop.local.jar"),
                    List.of("-Xmx1g"),
                    List.of(
                            "--server.port={port}",
                            "--spring.config.additional-location=file:" + routes,
                            // limits stay on (their Redis checks are part of a turn's cost), but high enough that
                            // a fast run of 100k-token turns, the sweep's 64 clients and the idle connections never
                            // meet them
                            "--hotloop.api.limits.defaults.tokens-per-minute=2000000000",
                            "--hotloop.api.limits.defaults.requests-per-minute=1000000",
                            "--hotloop.api.limits.defaults.concurrent-responses=100000",
                            "--hotloop.api.limits.defaults.websocket-connections=100000",
                            "--logging.level.root=WARN"),
                    "/v1/models",
                    API_KEY,
                    out);
            RolloutClient client = new RolloutClient("http://127.0.0.1:" + platform.port() + "/v1", API_KEY, null);
            report.append(header(quick, load));
            Map<String, List<double[]>> plot = new LinkedHashMap<>();
            CellResult floorAtSmallest = null;
            for (Cell cell : cells) {
                RolloutClient cellClient = new RolloutClient(
                        "http://127.0.0.1:" + platform.port() + "/v1",
                        API_KEY,
                        "http://127.0.0.1:" + simulators.get(cell.rate()).port() + "/v1");
                Map<Mode, CellResult> results =
                        measure(cellClient, platform, cell, cell.equals(cells.getFirst()) ? firstWarmUp(quick) : 1);
                report.append(table(cell, results));
                if (cell.rate() == 0) {
                    for (Mode mode : Mode.values()) {
                        if (mode != Mode.FLOOR) {
                            plot.computeIfAbsent(mode.label() + " via " + cell.provider(), name -> new ArrayList<>())
                                    .add(new double[] {
                                        cell.historyTokens(),
                                        CellResult.percentile(
                                                results.get(mode).overheadsMillis(results.get(Mode.FLOOR)), 50)
                                    });
                        }
                    }
                }
                if (floorAtSmallest == null) {
                    floorAtSmallest = results.get(Mode.FLOOR);
                }
                System.out.println("done: " + cell);
            }
            OverheadPlot.write(
                    out.resolve("overhead-vs-history.png"),
                    "hotloop overhead above the floor (unthrottled upstream)",
                    plot);
            double floorP50 = CellResult.percentile(floorAtSmallest.latenciesMillis(), 50);
            String smallModel = cells.getFirst().model();
            report.append(new ConcurrencySweep(
                            client,
                            smallModel,
                            floorP50,
                            cells.getFirst().historyTokens(),
                            quick ? List.of(1, 4, 16) : List.of(1, 2, 4, 8, 16, 32, 64),
                            quick ? Duration.ofSeconds(2) : Duration.ofSeconds(6))
                    .markdown());
            report.append(new IdleConnections(platform, idleConnections, smallModel).markdown());
            if (profile) {
                report.append(profiles(client, platform, new Cell("openai-chat", 0, 20_000, 6, 30)));
            }
        } finally {
            if (platform != null) {
                platform.close();
            }
            for (ServiceProcess simulator : simulators.values()) {
                simulator.close();
            }
        }
        double[] loadAfter = loadAverage();
        report.append(String.format(
                "%nRun took %s; load average after: %.1f (1 min), %.1f (5 min).%n",
                Duration.between(started, Instant.now()).truncatedTo(java.time.temporal.ChronoUnit.SECONDS),
                loadAfter[0],
                loadAfter[1]));
        Files.writeString(out.resolve("results.md"), report);
        System.out.println(report);
        System.out.println("Wrote " + out.resolve("results.md") + " and " + out.resolve("overhead-vs-history.png"));
    }

    /**
     * Warm-up rollouts of every mode before the first cell: the full run's 10 (300 turns of each mode) let the JIT
     * finish with the hot paths, which the 3 of the quick run do not (its first cell is the slowest of its mode).
     */
    private static int firstWarmUp(boolean quick) {
        return quick ? 3 : 10;
    }

    /** Warm-up rollouts of every mode, then the measured ones, the floor first and the modes in turn per index. */
    private static Map<Mode, CellResult> measure(RolloutClient client, ServiceProcess platform, Cell cell, int warmUp)
            throws Exception {
        RolloutSpec spec = new RolloutSpec(cell.historyTokens(), cell.turns(), 200, Duration.ofMillis(5));
        for (int i = 0; i < warmUp; i++) {
            for (Mode mode : Mode.values()) {
                client.run(mode, spec, cell.model());
            }
        }
        Map<Mode, CellResult> results = new EnumMap<>(Mode.class);
        for (int r = 0; r < cell.rollouts(); r++) {
            for (Mode mode : Mode.values()) {
                Map<String, Long> before = platform.cpuNanos();
                List<Turn> turns = client.run(mode, spec, mode == Mode.FLOOR ? "hotloop-sim" : cell.model());
                results.computeIfAbsent(mode, CellResult::new).add(turns, before, platform.cpuNanos());
            }
        }
        return results;
    }

    private String profiles(RolloutClient client, ServiceProcess platform, Cell cell) throws Exception {
        StringBuilder text =
                new StringBuilder("\n### Profile (JFR execution samples of the platform JVM, every 1 ms)\n\n"
                        + cell.rollouts() + " rollouts of " + cell.turns() + " turns at " + cell.historyTokens()
                        + " tokens of history, unthrottled openai-chat upstream, after the runs above (warm JIT).\n\n");
        RolloutSpec spec = new RolloutSpec(cell.historyTokens(), cell.turns(), 200, Duration.ofMillis(5));
        for (Mode mode : List.of(Mode.WEBSOCKET_STATELESS, Mode.HTTP_PREVIOUS)) {
            Path recording = out.resolve(mode.name().toLowerCase(java.util.Locale.ROOT) + ".jfr")
                    .toAbsolutePath();
            // a sample per millisecond a thread runs, not the profile settings' 10: hundreds of samples, not dozens
            platform.jcmd(
                    "JFR.start",
                    "name=" + mode.name(),
                    "settings=profile",
                    "jdk.ExecutionSample#period=1ms",
                    "filename=" + recording);
            for (int r = 0; r < cell.rollouts(); r++) {
                client.run(mode, spec, cell.model());
            }
            platform.jcmd("JFR.stop", "name=" + mode.name());
            text.append(ProfileSummary.of(recording, 15).markdown(mode.label())).append('\n');
        }
        return text.toString();
    }

    private String header(boolean quick, double[] load) {
        return String.format(
                "## Rollout benchmark results (%s run)%n%nMachine: %d CPUs, JDK %s; load average at the "
                        + "start %.1f (1 min), %.1f (5 min). Rollouts: tool_choice required, a 200-token tool output "
                        + "after 5 ms of tool time (not counted), every request streamed. Overhead = turn minus the "
                        + "floor's turn at the same rollout and turn index. CPU = utime+stime from /proc per turn.%n",
                quick ? "quick" : "full",
                Runtime.getRuntime().availableProcessors(),
                Runtime.version(),
                load[0],
                load[1]);
    }

    private static String table(Cell cell, Map<Mode, CellResult> results) {
        CellResult floor = results.get(Mode.FLOOR);
        StringBuilder text = new StringBuilder(String.format(
                        "%n### %s upstream, %s, %,d tokens of history " + "(%d rollouts × %d turns)%n%n",
                        cell.provider(),
                        cell.rate() == 0
                                ? "unthrottled"
                                : cell.rate() + " tokens/s (ttft " + TTFT_THROTTLED.toMillis() + " ms)",
                        cell.historyTokens(),
                        cell.rollouts(),
                        cell.turns()))
                .append("| mode | turn p50 | turn p99 | overhead p50 | overhead p99 | p50 min / median / max "
                        + "| × floor | sent B/turn | received B/turn | CPU ms/turn |\n")
                .append("|---|---:|---:|---:|---:|---|---:|---:|---:|---|\n");
        for (CellResult result : results.values()) {
            double[] latencies = result.latenciesMillis();
            double[] overheads = result.overheadsMillis(floor);
            double[] spread = result.p50Spread();
            text.append(String.format(
                    "| %s | %.2f | %.2f | %s | %s | %.2f / %.2f / %.2f | %.2f | %,.0f | %,.0f | %s |%n",
                    result.mode().label(),
                    CellResult.percentile(latencies, 50),
                    CellResult.percentile(latencies, 99),
                    result.mode() == Mode.FLOOR ? "–" : String.format("%.2f", CellResult.percentile(overheads, 50)),
                    result.mode() == Mode.FLOOR ? "–" : String.format("%.2f", CellResult.percentile(overheads, 99)),
                    spread[0],
                    spread[1],
                    spread[2],
                    result.ratioToFloor(floor),
                    result.sentBytesPerTurn(),
                    result.receivedBytesPerTurn(),
                    result.cpuMillisPerTurn().entrySet().stream()
                            .map(cpu -> String.format("%s %.2f", cpu.getKey(), cpu.getValue()))
                            .collect(Collectors.joining(", "))));
        }
        return text.toString();
    }

    private Path writeRoutes(Map<Integer, ServiceProcess> simulators) throws Exception {
        StringBuilder yaml = new StringBuilder("hotloop:\n  model:\n    default-model: ")
                .append(new Cell(
                                PROVIDERS.getFirst(),
                                simulators.keySet().iterator().next(),
                                0,
                                0,
                                0)
                        .model())
                .append("\n    routes:\n");
        simulators.forEach((rate, simulator) -> PROVIDERS.forEach(provider -> yaml.append("      ")
                .append(new Cell(provider, rate, 0, 0, 0).model())
                .append(":\n")
                .append("        - provider: ")
                .append(provider)
                .append('\n')
                .append("          url: http://127.0.0.1:")
                .append(simulator.port())
                .append("/v1\n")
                .append("          upstream-model: hotloop-sim\n")));
        Path routes = out.resolve("routes.yml").toAbsolutePath();
        Files.writeString(routes, yaml);
        return routes;
    }

    private static Path jar(String property) {
        String path = System.getProperty(property);
        if (path == null || !Files.isRegularFile(Path.of(path))) {
            throw new IllegalStateException("-D" + property + " must name the built jar (benchmarks/run sets it)");
        }
        return Path.of(path);
    }

    private static String option(Set<String> flags, String prefix, String fallback) {
        return flags.stream()
                .filter(flag -> flag.startsWith(prefix))
                .map(flag -> flag.substring(prefix.length()))
                .findFirst()
                .orElse(fallback);
    }

    private static double[] loadAverage() throws Exception {
        String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
        return new double[] {Double.parseDouble(fields[0]), Double.parseDouble(fields[1])};
    }
}
