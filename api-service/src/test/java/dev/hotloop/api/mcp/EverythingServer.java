package dev.hotloop.api.mcp;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * The reference MCP server, {@code @modelcontextprotocol/server-everything} from npm, run with node on a free
 * loopback port. It is installed once into {@code ~/.cache/hotloop/mcp-everything} (what {@code .ci/run} does on a
 * clean machine), or into {@code $HOTLOOP_MCP_EVERYTHING} when set.
 */
final class EverythingServer implements AutoCloseable {

    static final String PACKAGE = "@modelcontextprotocol/server-everything";
    static final String VERSION = "2026.8.31";

    private final Process process;
    private final int port;
    private final String path;

    private EverythingServer(String mode, String path) throws IOException {
        Path home = installed();
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        this.path = path;
        ProcessBuilder builder = new ProcessBuilder(
                        "node",
                        home.resolve("node_modules/" + PACKAGE + "/dist/index.js")
                                .toString(),
                        mode)
                .redirectErrorStream(true)
                .redirectOutput(Files.createTempFile("mcp-everything", ".log").toFile());
        builder.environment().put("PORT", Integer.toString(port));
        process = builder.start();
        Awaitility.await("server-everything listening on " + port)
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("server-everything exited with " + process.exitValue());
                    }
                    try (Socket probe = new Socket("127.0.0.1", port)) {
                        return true;
                    } catch (IOException notYet) {
                        return false;
                    }
                });
    }

    /** In Streamable HTTP mode, at {@code /mcp}. */
    static EverythingServer streamableHttp() throws IOException {
        return new EverythingServer("streamableHttp", "/mcp");
    }

    /** In the older HTTP+SSE mode, at {@code /sse}. */
    static EverythingServer sse() throws IOException {
        return new EverythingServer("sse", "/sse");
    }

    String url() {
        return "http://127.0.0.1:" + port + path;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    /** The install directory, installing the pinned version with npm when it is missing. */
    private static synchronized Path installed() throws IOException {
        String configured = System.getenv("HOTLOOP_MCP_EVERYTHING");
        Path home = configured != null
                ? Path.of(configured)
                : Path.of(System.getProperty("user.home"), ".cache", "hotloop", "mcp-everything");
        Path manifest = home.resolve("node_modules/" + PACKAGE + "/package.json");
        if (Files.isRegularFile(manifest) && Files.readString(manifest).contains("\"version\": \"" + VERSION + "\"")) {
            return home;
        }
        Files.createDirectories(home);
        Process npm = new ProcessBuilder(List.of(
                        "npm",
                        "install",
                        "--no-audit",
                        "--no-fund",
                        "--prefix",
                        home.toString(),
                        PACKAGE + "@" + VERSION))
                .inheritIO()
                .start();
        try {
            if (!npm.waitFor(5, TimeUnit.MINUTES) || npm.exitValue() != 0) {
                npm.destroyForcibly();
                throw new IllegalStateException("npm could not install " + PACKAGE + "@" + VERSION + " into " + home);
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(interrupted);
        }
        return home;
    }
}
