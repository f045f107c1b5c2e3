package dev.hotloop.api;

import dev.hotloop.simulator.SimulatorSettings;
import dev.hotloop.simulator.server.SimulatorServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;

/** Upstream model servers for the routed end-to-end tests, one of each per test JVM, on free loopback ports. */
public final class UpstreamFixtures {

    private static SimulatorServer simulator;
    private static MockWebServer flaky;

    private UpstreamFixtures() {}

    /** The standalone simulator, unthrottled. */
    public static synchronized String simulatorUrl() {
        if (simulator == null) {
            simulator = SimulatorServer.start(SimulatorSettings.unthrottled());
        }
        return simulator.baseUrl();
    }

    /** A chat server that streams "Hel" and then an error chunk, every time. */
    public static synchronized String flakyUrl() {
        if (flaky == null) {
            flaky = new MockWebServer();
            flaky.setDispatcher(new Dispatcher() {
                @Override
                public MockResponse dispatch(RecordedRequest request) {
                    return new MockResponse()
                            .setHeader("content-type", "text/event-stream")
                            .setBody("""
                            data: {"choices":[{"index":0,"delta":{"content":"Hel"},"finish_reason":null}]}

                            data: {"error":{"message":"engine died","code":500}}

                            """);
                }
            });
            try {
                flaky.start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return flaky.url("/v1").toString();
    }
}
