package dev.hotloop.api.model.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;

class RetryAfterTest {

    private static final Clock NOW = Clock.fixed(Instant.parse("2026-11-21T10:00:00Z"), ZoneOffset.UTC);

    private static Duration of(String name, String value) {
        HttpHeaders headers = new HttpHeaders();
        headers.add(name, value);
        return RetryAfter.of(headers, NOW);
    }

    @Test
    void secondsDatesAndOpenAisMilliseconds() {
        assertThat(of("Retry-After", "3")).isEqualTo(Duration.ofSeconds(3));
        assertThat(of("retry-after", "Sat, 21 Nov 2026 10:00:20 GMT")).isEqualTo(Duration.ofSeconds(20));
        assertThat(of("retry-after", "Sat, 21 Nov 2026 09:00:00 GMT")).isEqualTo(Duration.ZERO);
        assertThat(of("retry-after-ms", "150")).isEqualTo(Duration.ofMillis(150));
    }

    @Test
    void absentOrUnreadableIsNull() {
        assertThat(RetryAfter.of(new HttpHeaders(), NOW)).isNull();
        assertThat(of("retry-after", "soon")).isNull();
        assertThat(of("retry-after", "-1")).isNull();
    }

    @Test
    void errorBodiesOfEveryServerGiveTheirMessage() {
        assertThat(UpstreamClient.errorMessage(
                        "{\"error\":{\"message\":\"Rate limit reached\",\"code\":\"rate_limit_exceeded\"}}"))
                .isEqualTo("Rate limit reached");
        assertThat(UpstreamClient.errorMessage("{\"object\":\"error\",\"message\":\"context too long\",\"code\":400}"))
                .isEqualTo("context too long");
        assertThat(UpstreamClient.errorMessage("{\"error\":\"model not found\"}"))
                .isEqualTo("model not found");
        assertThat(UpstreamClient.errorMessage("Bad Gateway")).isEqualTo("Bad Gateway");
        assertThat(UpstreamClient.errorCode("{\"error\":{\"message\":\"x\",\"code\":\"previous_response_not_found\"}}"))
                .isEqualTo("previous_response_not_found");
    }
}
