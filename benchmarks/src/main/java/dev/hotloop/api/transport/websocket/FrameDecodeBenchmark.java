package dev.hotloop.api.transport.websocket;

import dev.hotloop.benchmarks.rollout.SyntheticText;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;

/**
 * Decoding one WebSocket frame ({@link ClientFrame#parse}: JSON, then the create request): a continuation as an agent
 * sends it every turn (previous_response_id, one 200-token tool output, a tool). In api-service's package because
 * the frame type is package-private.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class FrameDecodeBenchmark {

    private final byte[] continuation = ("{\"type\":\"response.create\",\"model\":\"chat-0\",\"store\":false,"
                    + "\"tool_choice\":\"required\",\"previous_response_id\":\"resp_0123456789abcdef0123456789abcdef\","
                    + "\"input\":[{\"type\":\"function_call_output\",\"call_id\":\"call_0123456789abcdef0123456789abcdef\","
                    + "\"output\":\"" + SyntheticText.words(7, 200)
                    + "\"}],\"tools\":[{\"type\":\"function\",\"name\":\"lookup\","
                    + "\"parameters\":{\"type\":\"object\",\"properties\":{\"q\":{\"type\":\"string\"}}}}]}")
            .getBytes(StandardCharsets.UTF_8);

    @Benchmark
    public ClientFrame continuationFrame() {
        return ClientFrame.parse(DefaultDataBufferFactory.sharedInstance.wrap(continuation));
    }
}
