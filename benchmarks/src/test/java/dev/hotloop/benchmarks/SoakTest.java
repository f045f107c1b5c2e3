package dev.hotloop.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hotloop.local.LocalPlatform;
import org.junit.jupiter.api.Test;

/**
 * The soak benchmark, small: a few connections × 30 turns, stored and not, lose and duplicate nothing. (A failed
 * answer is not a loss: the client was told, and retries.)
 */
class SoakTest {

    @Test
    void aFewConnectionsOfThirtyTurnsLoseAndDuplicateNothing() throws Exception {
        try (LocalPlatform platform = LocalPlatform.start(
                SoakBenchmark.API_KEYS, SoakBenchmark.platformArguments(SoakBenchmark.scenario()))) {
            SoakBenchmark.SoakResult result = new SoakBenchmark(platform.apiPort()).soak(4, 30);

            assertThat(result.lost())
                    .as("lost; first failed answer: %s", result.firstFailure())
                    .isZero();
            assertThat(result.duplicated()).isZero();
            assertThat(result.completed()).isPositive();
        }
    }
}
