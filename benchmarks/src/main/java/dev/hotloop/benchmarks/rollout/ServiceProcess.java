package dev.hotloop.benchmarks.rollout;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A service the benchmark runs in its own JVM (the simulator, the platform), so that its CPU and memory are measured
 * per process. Its output goes to a log file next to the results; closing it stops the whole process tree.
 */
final class ServiceProcess implements AutoCloseable {

    private static final long NANOS_PER_TICK = 1_000_000_000L / 100; // USER_HZ is 100 on Linux
    private static final Pattern VM_RSS = Pattern.compile("VmRSS:\\s+(\\d+) kB");
    private static final Pattern HEAP_USED = Pattern.compile("heap\\s+total.*?used (\\d+)K", Pattern.DOTALL);

    private final String name;
    private final Process process;
    private final int port;

    private ServiceProcess(String name, Process process, int port) {
        this.name = name;
        this.process = process;
        this.port = port;
    }

    /**
     * Starts {@code java <jvmOptions> -jar <jar> <arguments>} and returns once {@code readyPath} answers 200.
     *
     * @param arguments the program's arguments; {@code {port}} is replaced by the free port chosen for it
     */
    static ServiceProcess start(
            String name,
            Path jar,
            List<String> jvmOptions,
            List<String> arguments,
            String readyPath,
            String apiKey,
            Path logDirectory)
            throws Exception {
        int port = freePort();
        List<String> command = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toString()));
        arguments.forEach(argument -> command.add(argument.replace("{port}", Integer.toString(port))));
        Files.createDirectories(logDirectory);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(logDirectory.resolve(name + ".log").toFile());
        // data of this run's own (the platform's Redis): a launcher's default would grow from run to run, and its
        // append-only file would be loaded, and rewritten, during the next run's measurements
        builder.environment()
                .put("HOTLOOP_DATA_DIR", logDirectory.resolve(name + "-data").toString());
        Process process = builder.start();
        ServiceProcess service = new ServiceProcess(name, process, port);
        // an interrupted benchmark leaves no service behind
        Runtime.getRuntime().addShutdownHook(new Thread(service::stop, name + "-stop"));
        service.awaitReady(readyPath, apiKey, Duration.ofMinutes(10));
        return service;
    }

    String name() {
        return name;
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    /** CPU time (user + system) used so far by this JVM and, separately, each of its child processes (Redis). */
    Map<String, Long> cpuNanos() {
        Map<String, Long> cpu = new LinkedHashMap<>();
        cpu.put(name, cpuNanos(process.pid()));
        process.descendants()
                .forEach(child -> cpu.merge(name + "/" + command(child.pid()), cpuNanos(child.pid()), Long::sum));
        return cpu;
    }

    /** Resident set size of this JVM, in bytes. */
    long rssBytes() throws IOException {
        Matcher rss = VM_RSS.matcher(Files.readString(Path.of("/proc", Long.toString(pid()), "status")));
        return rss.find() ? Long.parseLong(rss.group(1)) * 1024 : -1;
    }

    /** Heap in use right after a full GC of this JVM (via {@code jcmd}), in bytes. */
    long heapAfterGcBytes() throws Exception {
        jcmd("GC.run");
        Matcher used = HEAP_USED.matcher(jcmd("GC.heap_info"));
        return used.find() ? Long.parseLong(used.group(1)) * 1024 : -1;
    }

    /** Runs a diagnostic command in this JVM ({@code JFR.start …}, {@code GC.run}) and returns its output. */
    String jcmd(String... command) throws Exception {
        List<String> line = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), Long.toString(pid())));
        line.addAll(List.of(command));
        Process jcmd = new ProcessBuilder(line).redirectErrorStream(true).start();
        String output = new String(jcmd.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (!jcmd.waitFor(60, TimeUnit.SECONDS) || jcmd.exitValue() != 0) {
            throw new IllegalStateException("jcmd " + String.join(" ", command) + " failed: " + output);
        }
        return output;
    }

    @Override
    public void close() throws InterruptedException {
        stop();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    private void stop() {
        process.toHandle().descendants().forEach(ProcessHandle::destroy);
        process.destroy();
    }

    private void awaitReady(String path, String apiKey, Duration timeout) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + ", see its log");
            }
            try {
                HttpResponse<Void> response = http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                .header("Authorization", "Bearer " + apiKey)
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            TimeUnit.MILLISECONDS.sleep(250);
        }
        throw new IllegalStateException(name + " not ready after " + timeout);
    }

    private static long cpuNanos(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * NANOS_PER_TICK; // utime, stime
        } catch (IOException gone) {
            return 0;
        }
    }

    /** The process's name as the kernel knows it ({@code redis-server}, not the binary it links to). */
    private static String command(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "comm"))
                    .strip();
        } catch (IOException gone) {
            return "child";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
