package dev.hotloop.simulator.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hotloop.protocol.model.FinishReason;
import dev.hotloop.protocol.model.ModelEvent;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

class PacerTest {

    private static final ModelEvent FINISH = new ModelEvent.Finish(FinishReason.STOP, null);

    @Test
    void aSlowRateReleasesOneTokenPerTick() {
        Pacer pacer = new Pacer(Duration.ZERO, 65);

        // 66 tokens span 65 ticks of 1/65 s: one second
        StepVerifier.withVirtualTime(() -> pacer.pace(tokens(66), FINISH))
                .expectSubscription()
                .thenAwait(Duration.ofMillis(500))
                .expectNextCount(33)
                .thenAwait(Duration.ofMillis(499))
                .expectNextCount(32)
                .thenAwait(Duration.ofMillis(1))
                .expectNext(delta(65), FINISH)
                .expectComplete()
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void aFastRateReleasesTheTokensDueEachMillisecond() {
        Pacer pacer = new Pacer(Duration.ofMillis(20), 4000);

        StepVerifier.withVirtualTime(() -> pacer.pace(tokens(100), FINISH))
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(20))
                .expectNext(delta(0))
                .expectNoEvent(Duration.ofMillis(1))
                .expectNext(delta(1), delta(2), delta(3), delta(4))
                .thenAwait(Duration.ofMillis(23))
                .expectNextCount(92)
                .thenAwait(Duration.ofMillis(1))
                .expectNext(delta(97), delta(98), delta(99), FINISH)
                .expectComplete()
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void aRateBetweenTicksAlternatesBatchSizesToKeepTheAverage() {
        Pacer pacer = new Pacer(Duration.ZERO, 1500);

        // token n is due at n/1.5 ms: ticks release 1, 1, 2, 1, 2, … tokens
        StepVerifier.withVirtualTime(() -> pacer.pace(tokens(301), FINISH))
                .expectSubscription()
                .thenAwait(Duration.ofMillis(200))
                .expectNextCount(301)
                .expectNext(FINISH)
                .expectComplete()
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void unthrottledWaitsTtftThenReleasesEverything() {
        Pacer pacer = new Pacer(Duration.ofMillis(300), 0);

        StepVerifier.withVirtualTime(() -> pacer.pace(tokens(50), FINISH))
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(299))
                .thenAwait(Duration.ofMillis(1))
                .expectNextCount(50)
                .expectNext(FINISH)
                .expectComplete()
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void noTokensStillFinishAfterTtft() {
        Pacer pacer = new Pacer(Duration.ofMillis(10), 1000);

        StepVerifier.withVirtualTime(() -> pacer.pace(List.of(), FINISH))
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(9))
                .thenAwait(Duration.ofMillis(1))
                .expectNext(FINISH)
                .expectComplete()
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void tokensWithoutEventsStillTakeTheirTime() {
        Pacer pacer = new Pacer(Duration.ZERO, 10);
        List<List<ModelEvent>> tokens = List.of(List.of(), List.of(), List.of(new ModelEvent.TextDelta("€")));

        StepVerifier.withVirtualTime(() -> pacer.pace(tokens, FINISH))
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(200))
                .expectNext(new ModelEvent.TextDelta("€"), FINISH)
                .expectComplete()
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void aSlowSubscriberDelaysBatchesInsteadOfFailing() {
        Pacer pacer = new Pacer(Duration.ZERO, 4000);

        // more ticks than the operators below the timer prefetch, all due before the first request
        StepVerifier.withVirtualTime(() -> pacer.pace(tokens(1200), FINISH), 0)
                .expectSubscription()
                .thenAwait(Duration.ofMillis(400))
                .thenRequest(1)
                .expectNext(delta(0))
                .thenRequest(Long.MAX_VALUE)
                .expectNextCount(1199)
                .expectNext(FINISH)
                .expectComplete()
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void theTickIsOneOverTheRateButAtLeastAMillisecond() {
        assertThat(new Pacer(Duration.ZERO, 65).tick()).isEqualTo(Duration.ofNanos(15_384_615));
        assertThat(new Pacer(Duration.ZERO, 1000).tick()).isEqualTo(Duration.ofMillis(1));
        assertThat(new Pacer(Duration.ZERO, 4000).tick()).isEqualTo(Duration.ofMillis(1));
    }

    private static List<List<ModelEvent>> tokens(int count) {
        return IntStream.range(0, count).mapToObj(n -> List.of(delta(n))).toList();
    }

    private static ModelEvent delta(int n) {
        return new ModelEvent.TextDelta("t" + n);
    }
}
