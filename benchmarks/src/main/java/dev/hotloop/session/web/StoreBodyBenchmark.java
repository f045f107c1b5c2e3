package dev.hotloop.session.web;

import dev.hotloop.benchmarks.rollout.SyntheticText;
import dev.hotloop.protocol.id.ResponseIds;
import dev.hotloop.protocol.json.ProtocolJson;
import dev.hotloop.session.store.EncodedTurn;
import dev.hotloop.session.store.RecordCodec;
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
import tools.jackson.databind.node.ObjectNode;

/**
 * session-service's side of persisting an agent's turn: the body api-service posts (a 200-token tool output in, a
 * function call out, the Response with its tool) read and cut into what Redis stores.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class StoreBodyBenchmark {

    private RecordCodec codec;
    private byte[] body;

    @Setup
    public void setUp() {
        codec = new RecordCodec(ProtocolJson.mapper());
        String id = ResponseIds.newChain();
        ObjectNode call = ProtocolJson.nodes()
                .objectNode()
                .put("type", "function_call")
                .put("id", "fc_0123456789abcdef")
                .put("call_id", "call_0123456789abcdef0123456789abcdef")
                .put("name", "lookup")
                .put("arguments", "{\"q\":\"example\"}")
                .put("status", "completed");
        ObjectNode toolOutput = ProtocolJson.nodes()
                .objectNode()
                .put("type", "function_call_output")
                .put("call_id", "call_0123456789abcdef0123456789abcdef")
                .put("output", SyntheticText.words(7, 200));
        ObjectNode tool =
                ProtocolJson.nodes().objectNode().put("type", "function").put("name", "lookup");
        tool.putObject("parameters").put("type", "object").putObject("properties");
        ObjectNode response = ProtocolJson.nodes()
                .objectNode()
                .put("id", ResponseIds.continuing(id))
                .put("object", "response")
                .put("created_at", 1_763_700_000)
                .put("status", "completed")
                .put("model", "gpt-4.1-mini")
                .put("previous_response_id", id)
                .put("store", true);
        response.putArray("tools").add(tool);
        response.putArray("output").add(call);
        response.putObject("usage").put("input_tokens", 20_000).put("output_tokens", 12);
        ObjectNode turn = ProtocolJson.nodes().objectNode();
        turn.set("response", response);
        turn.put("previous_response_id", id);
        turn.putArray("input").addObject().put("tokens", 210).set("item", toolOutput);
        turn.putArray("output").addObject().put("tokens", 12).set("item", call);
        body = ProtocolJson.mapper().writeValueAsBytes(turn);
    }

    @Benchmark
    public EncodedTurn readStoreBody() {
        return StoreTurnRequest.read(body, ProtocolJson.mapper()).toTurn(codec);
    }
}
