package dev.hotloop.api.remote;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The circuit breaker of each replica of a dependency. It counts only what {@link RemoteFailures#isDependencyFailure}
 * calls a dependency failure; the defaults open after a handful of failures and probe again within seconds, so an
 * outage ends for clients soon after the dependency is back.
 *
 * @param failureRateThreshold          percentage of failed calls, over the window, that opens the breaker
 * @param slidingWindowSize             calls the failure rate is computed over
 * @param minimumNumberOfCalls          calls needed in the window before the rate counts
 * @param waitDurationInOpenState       how long an open breaker refuses calls before it lets probes through
 * @param permittedCallsInHalfOpenState probes that decide whether the breaker closes again
 */
public record CircuitBreakerSettings(
        @DefaultValue("50") @DecimalMin("1") @DecimalMax("100")
        float failureRateThreshold,

        @DefaultValue("20") @Min(1) int slidingWindowSize,
        @DefaultValue("10") @Min(1) int minimumNumberOfCalls,
        @DefaultValue("3s") @DurationMin(millis = 1) Duration waitDurationInOpenState,
        @DefaultValue("3") @Min(1) int permittedCallsInHalfOpenState) {

    /** The Resilience4j configuration: a count-based window, open to half-open on its own after the wait. */
    public CircuitBreakerConfig config() {
        return CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .failureRateThreshold(failureRateThreshold)
                .slidingWindowSize(slidingWindowSize)
                .minimumNumberOfCalls(minimumNumberOfCalls)
                .waitDurationInOpenState(waitDurationInOpenState)
                .permittedNumberOfCallsInHalfOpenState(permittedCallsInHalfOpenState)
                .automaticTransitionFromOpenToHalfOpenEnabled(true)
                .recordException(RemoteFailures::isDependencyFailure)
                .build();
    }
}
