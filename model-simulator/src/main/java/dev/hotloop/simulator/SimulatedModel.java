package dev.hotloop.simulator;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import dev.hotloop.protocol.model.FinishReason;
import dev.hotloop.protocol.model.ModelEvent;
import dev.hotloop.protocol.model.ModelProvider;
import dev.hotloop.protocol.model.ModelRequest;
import dev.hotloop.simulator.reply.ReplyPlanner;
import dev.hotloop.simulator.streaming.Pacer;
import dev.hotloop.simulator.streaming.TokenizedOutput;
import reactor.core.publisher.Flux;

/**
 * The deterministic simulated model, hotloop's embedded default: it answers from its scenario or with a default
 * agent loop (call a function, then quote its output; see {@link ReplyPlanner}), streamed token by token in real
 * {@code o200k_base} tokens at the pace its settings give.
 */
public final class SimulatedModel implements ModelProvider {

    private final Encoding encoding;
    private final ReplyPlanner planner;
    private final Pacer pacer;

    /** @param encoding the tokenizer, {@code o200k_base} for realistic counts; shared because it is slow to load */
    public SimulatedModel(SimulatorSettings settings, Encoding encoding) {
        this.encoding = encoding;
        this.planner = new ReplyPlanner(settings.scenario());
        this.pacer = new Pacer(settings.ttft(), settings.tokensPerSecond());
    }

    /** A simulated model on the process-wide {@code o200k_base} encoding, loaded on first use. */
    public static SimulatedModel create(SimulatorSettings settings) {
        return new SimulatedModel(settings, O200kBase.ENCODING);
    }

    /**
     * Emits one delta per output token (a call's start with its first argument token), paced by the settings, then
     * one {@link ModelEvent.Finish}: {@link FinishReason#LENGTH} after exactly {@code max_output_tokens} tokens when
     * the reply needs more, else {@link FinishReason#STOP}, with usage reporting the output tokens only (input tokens
     * are left at 0: the engine counts the prompt it rendered, item by item, and re-tokenizing the whole context here
     * would put history-length work into every turn). The same request yields the same events but for the random call ids. Never errors;
     * cancelling stops emission at once.
     */
    @Override
    public Flux<ModelEvent> stream(ModelRequest request) {
        return Flux.defer(() -> {
            TokenizedOutput output = TokenizedOutput.of(planner.plan(request), encoding, request.maxOutputTokens());
            ModelEvent.Finish finish = new ModelEvent.Finish(
                    output.truncated() ? FinishReason.LENGTH : FinishReason.STOP,
                    new ModelEvent.ModelUsage(0, 0, output.outputTokens()));
            return pacer.pace(output.tokens(), finish);
        });
    }

    // a holder class: the ~270 ms load happens once per process, and only if this factory is used
    private static final class O200kBase {
        static final Encoding ENCODING = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.O200K_BASE);
    }
}
