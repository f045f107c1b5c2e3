package dev.hotloop.session;

import java.time.Duration;

import jakarta.validation.constraints.NotNull;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of session-service.
 *
 * @param ttl how long a chain's keys live after the last write or read of one of its responses
 */
@Validated
@ConfigurationProperties("hotloop.session")
public record SessionProperties(@DefaultValue("30d") @NotNull @DurationMin(seconds = 1) Duration ttl) {
}
