package dev.hotloop.api.model.responses;

import dev.hotloop.benchmarks.rollout.SyntheticText;
import dev.hotloop.protocol.item.Item;
import dev.hotloop.protocol.model.ModelRequest;
import dev.hotloop.protocol.request.InputReader;
import dev.hotloop.protocol.tool.ToolChoice;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Rendering the upstream Responses request of one turn to bytes, as every turn through a stateless
 * {@code openai-responses} upstream does, over a history of {@code historyTokens}. In api-service's package because
 * the renderer is package-private.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ResponsesRenderBenchmark {

    private static final long KEPT_BYTES = 64L << 20;

    @Param({"1500", "100000"})
    public int historyTokens;

    private ModelRequest request;
    private ResponsesRequest continuing;

    @Setup
    public void setUp() {
        request = request(InputReader.read(SyntheticText.history(historyTokens)));
        continuing = new ResponsesRequest("hotloop-sim", true, false, KEPT_BYTES);
        continuing.render(request, null, 0);
    }

    /** The whole history rendered: a turn whose conversation this upstream has not rendered before. */
    @Benchmark
    public byte[] renderToBytes() {
        return new ResponsesRequest("hotloop-sim", true, false, KEPT_BYTES).render(request, null, 0);
    }

    /** A continuation: the history's bytes kept from the turn before, only one new item rendered. */
    @Benchmark
    public byte[] renderContinuation() {
        List<Item> next = new ArrayList<>(request.context().size() + 1);
        next.addAll(request.context());
        next.add(InputReader.userText("the tool's output"));
        return continuing.render(request(next), null, 0);
    }

    private static ModelRequest request(List<Item> context) {
        return new ModelRequest(
                "hotloop-sim", null, context, List.of(), ToolChoice.AUTO, true, null, null, null, "cache-key");
    }
}
