package dev.hotloop.api.model.chat;

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
 * Rendering the upstream chat completions request of one turn and writing it to bytes, as every turn through an
 * {@code openai-chat} upstream does, over a history of {@code historyTokens}. In api-service's package because the
 * renderer is package-private.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ChatRenderBenchmark {

    private static final long KEPT_BYTES = 64L << 20;

    @Param({"1500", "100000"})
    public int historyTokens;

    private ModelRequest request;
    private final ChatCompletionRequest.Options options =
            new ChatCompletionRequest.Options("hotloop-sim", "max_tokens", "system", true);
    private ChatCompletionRequest continuing;

    @Setup
    public void setUp() {
        request = new ModelRequest(
                "hotloop-sim",
                null,
                InputReader.read(SyntheticText.history(historyTokens)),
                List.of(),
                ToolChoice.AUTO,
                true,
                null,
                null,
                null,
                "cache-key");
        continuing = new ChatCompletionRequest(options, KEPT_BYTES);
        continuing.render(request);
    }

    /** The whole history rendered: a turn whose conversation this upstream has not rendered before. */
    @Benchmark
    public byte[] renderToBytes() {
        return new ChatCompletionRequest(options, KEPT_BYTES).render(request);
    }

    /** A continuation: the history's bytes kept from the turn before, only one new item converted. */
    @Benchmark
    public byte[] renderContinuation() {
        List<Item> next = new ArrayList<>(request.context().size() + 1);
        next.addAll(request.context());
        next.add(InputReader.userText("the tool's output"));
        return continuing.render(new ModelRequest(
                "hotloop-sim", null, next, List.of(), ToolChoice.AUTO, true, null, null, null, "cache-key"));
    }
}
