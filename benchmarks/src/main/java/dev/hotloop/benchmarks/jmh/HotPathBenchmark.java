package dev.hotloop.benchmarks.jmh;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.EncodingType;
import dev.hotloop.api.config.ApiProperties;
import dev.hotloop.api.tokens.TokenCounter;
import dev.hotloop.benchmarks.rollout.SyntheticText;
import dev.hotloop.protocol.event.ResponseEvent;
import dev.hotloop.protocol.item.FunctionCallItem;
import dev.hotloop.protocol.item.Item;
import dev.hotloop.protocol.json.ProtocolJson;
import dev.hotloop.protocol.request.InputReader;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.springframework.util.unit.DataSize;
import tools.jackson.databind.node.ObjectNode;

/**
 * The per-turn hot paths with public entry points: encoding response events as they go out, and counting the tokens
 * of a new item (a 200-token tool output).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class HotPathBenchmark {

    private ResponseEvent.ArgumentsDelta argumentsDelta;
    private ResponseEvent.OutputItem outputItemDone;
    private ObjectNode toolOutputJson;
    private Item toolOutput;
    private TokenCounter tokens;
    private long outputs;

    @Setup
    public void setUp() {
        argumentsDelta = new ResponseEvent.ArgumentsDelta(
                "response.function_call_arguments.delta", 7, "fc_0123456789abcdef", 0, "{\"q\":");
        outputItemDone = new ResponseEvent.OutputItem(
                "response.output_item.done",
                9,
                0,
                FunctionCallItem.of(
                        "fc_0123456789abcdef",
                        "call_0123456789abcdef0123456789abcdef",
                        "lookup",
                        "{\"q\":\"example\"}",
                        "completed"));
        toolOutputJson = ProtocolJson.nodes()
                .objectNode()
                .put("type", "function_call_output")
                .put("call_id", "call_0123456789abcdef0123456789abcdef")
                .put("output", SyntheticText.words(7, 200));
        toolOutput = InputReader.read(ProtocolJson.nodes().arrayNode().add(toolOutputJson))
                .getFirst();
        tokens = new TokenCounter(
                Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.O200K_BASE),
                new ApiProperties.Tokenizer(2, 256, DataSize.ofMegabytes(32), DataSize.ofMegabytes(64)),
                new SimpleMeterRegistry());
    }

    /** As a WebSocket frame carries it: UTF-8 bytes, encoded once. */
    @Benchmark
    public byte[] encodeArgumentsDelta() {
        return ProtocolJson.mapper().writeValueAsBytes(argumentsDelta);
    }

    @Benchmark
    public byte[] encodeOutputItemDone() {
        return ProtocolJson.mapper().writeValueAsBytes(outputItemDone);
    }

    /** A new tool output every time, as every turn brings one (a text seen before is a remembered count). */
    @Benchmark
    public int countToolOutputTokens() {
        String text = (outputs++) + " " + toolOutputJson.path("output").stringValue();
        return tokens.text(text);
    }

    /** The same tool output again, as a client resending its history sends it every turn. */
    @Benchmark
    public int countResentToolOutputTokens() {
        return Objects.requireNonNull(tokens.count(List.of(toolOutput)).block())
                .getFirst()
                .tokens();
    }
}
