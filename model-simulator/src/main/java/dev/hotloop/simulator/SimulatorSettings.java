package dev.hotloop.simulator;

import dev.hotloop.simulator.scenario.Scenario;
import java.time.Duration;
import java.util.Objects;

/**
 * How the simulated model behaves.
 *
 * @param ttft            time to first token: the delay before the first event
 * @param tokensPerSecond the output rate after the first token; zero or less emits every token at once
 * @param scenario        the scripted replies; null stands for {@link Scenario#empty()}, the default behaviour only
 */
public record SimulatorSettings(Duration ttft, double tokensPerSecond, Scenario scenario) {

    public SimulatorSettings {
        Objects.requireNonNull(ttft, "ttft");
        if (ttft.isNegative() || Double.isNaN(tokensPerSecond)) {
            throw new IllegalArgumentException("ttft must not be negative and tokensPerSecond must be a number, got "
                    + ttft + " and " + tokensPerSecond);
        }
        scenario = Objects.requireNonNullElse(scenario, Scenario.empty());
    }

    /** No delay, no pacing, no scenario: every event at once. */
    public static SimulatorSettings unthrottled() {
        return new SimulatorSettings(Duration.ZERO, 0, Scenario.empty());
    }
}
