package dev.hotloop.simulator.streaming;

import dev.hotloop.protocol.model.ModelEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import reactor.core.publisher.Flux;

/**
 * Releases token events in time: the first token after {@code ttft}, then {@code tokensPerSecond}.
 *
 * <p>Reactor timers are imprecise below a millisecond, so tokens go out in batches, one per tick of
 * max(1 ms, 1/rate), each holding the tokens due by then: token n is due at ttft + n/rate, so the average rate
 * is exact at 65, 1000 or 4000 tokens per second.
 *
 * @param ttft            the delay before the first token
 * @param tokensPerSecond the output rate; zero or less releases every token at once
 */
public record Pacer(Duration ttft, double tokensPerSecond) {

    private static final double MAX_TICKS_PER_SECOND = 1000;

    /**
     * Emits the events of every token, paced, then {@code last} with the last token. Emits synchronously when
     * unthrottled without ttft, else on the parallel scheduler without blocking a thread; cancelling stops the
     * timer at once.
     */
    public Flux<ModelEvent> pace(List<List<ModelEvent>> tokens, ModelEvent last) {
        if (tokensPerSecond <= 0) {
            Flux<ModelEvent> all = Flux.fromIterable(tokens)
                    .concatMapIterable(Function.identity())
                    .concatWithValues(last);
            return ttft.isZero() ? all : all.delaySubscription(ttft);
        }
        List<List<ModelEvent>> batches = batches(tokens, last);
        return Flux.interval(ttft, tick())
                .take(batches.size())
                // a slow subscriber must delay batches, not make the timer fail for lack of demand
                .onBackpressureBuffer()
                .concatMapIterable(tick -> batches.get(tick.intValue()));
    }

    /** 1/rate, but at least 1 ms. */
    Duration tick() {
        return tokensPerSecond >= MAX_TICKS_PER_SECOND
                ? Duration.ofMillis(1)
                : Duration.ofNanos(Math.round(1e9 / tokensPerSecond));
    }

    private List<List<ModelEvent>> batches(List<List<ModelEvent>> tokens, ModelEvent last) {
        double tokensPerTick = Math.max(1, tokensPerSecond / MAX_TICKS_PER_SECOND);
        List<List<ModelEvent>> batches = new ArrayList<>(List.of(new ArrayList<>()));
        for (int n = 0; n < tokens.size(); n++) {
            int tick = (int) Math.ceil(n / tokensPerTick);
            while (batches.size() <= tick) {
                batches.add(new ArrayList<>());
            }
            batches.get(tick).addAll(tokens.get(n));
        }
        batches.getLast().add(last);
        return batches;
    }
}
