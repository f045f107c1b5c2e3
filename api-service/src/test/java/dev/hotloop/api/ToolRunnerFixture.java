package dev.hotloop.api;

import dev.hotloop.toolrunner.ToolRunnerApplication;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * One real tool-runner-service per test JVM, started only by the tests that run hosted tools. Its port is reserved
 * up front, so api-service's shared context can point at it without starting it.
 */
public final class ToolRunnerFixture {

    private static final int PORT = freePort();
    private static ConfigurableApplicationContext context;

    private ToolRunnerFixture() {}

    public static String url() {
        return "http://127.0.0.1:" + PORT;
    }

    public static synchronized void start() {
        if (context == null) {
            try {
                context = ToolRunnerApplication.builder()
                        .initializers(TestSpans::register)
                        .run(
                                "--server.port=" + PORT,
                                "--management.tracing.sampling.probability=1.0",
                                "--hotloop.tools.workspace.root=" + Files.createTempDirectory("hotloop-workspaces"),
                                // a configured tool, offered to the model by {"type": "hotloop_tool", "name":
                                // "echo_text"}
                                "--hotloop.tools.configured[0].name=echo_text",
                                "--hotloop.tools.configured[0].description=Prints the text it is given.",
                                "--hotloop.tools.configured[0].parameters={\"type\":\"object\",\"properties\":"
                                        + "{\"text\":{\"type\":\"string\"}},\"required\":[\"text\"]}",
                                "--hotloop.tools.configured[0].argv=/usr/bin/echo,{text}");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
