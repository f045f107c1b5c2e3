package dev.hotloop.api.model.upstream;

import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;

/** Reads how long a 429 (or 503) asks the client to wait. */
public final class RetryAfter {

    private RetryAfter() {}

    /**
     * OpenAI's {@code retry-after-ms} (milliseconds) when present, else {@code retry-after} as delay-seconds or as an
     * HTTP-date (RFC 9110); null when neither is there or readable. A date in the past is zero.
     */
    public static @Nullable Duration of(HttpHeaders headers, Clock clock) {
        Duration millis = number(headers.getFirst("retry-after-ms"), 1);
        if (millis != null) {
            return millis;
        }
        String value = headers.getFirst(HttpHeaders.RETRY_AFTER);
        if (value == null || value.isBlank()) {
            return null;
        }
        Duration seconds = number(value, 1000);
        if (seconds != null) {
            return seconds;
        }
        try {
            Duration until = Duration.between(
                    clock.instant(),
                    ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME)
                            .toInstant());
            return until.isNegative() ? Duration.ZERO : until;
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static @Nullable Duration number(@Nullable String value, double millisPerUnit) {
        if (value == null) {
            return null;
        }
        try {
            double amount = Double.parseDouble(value.trim());
            return amount < 0 || Double.isNaN(amount) ? null : Duration.ofMillis(Math.round(amount * millisPerUnit));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
