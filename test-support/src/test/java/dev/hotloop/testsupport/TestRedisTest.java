package dev.hotloop.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hotloop.localredis.RespClient;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TestRedisTest {

    @Test
    void commandCallsCountEveryCommandSent() {
        RespClient client = RespClient.of(TestRedis.host(), TestRedis.port(), Duration.ofSeconds(2));
        Map<String, Long> before = TestRedis.commandCalls();

        client.call("PING");
        client.call("PING");
        client.call("SET", "test-redis:counted", "1");

        Map<String, Long> after = TestRedis.commandCalls();
        assertThat(after.get("ping") - before.getOrDefault("ping", 0L)).isEqualTo(2);
        assertThat(after.get("set") - before.getOrDefault("set", 0L)).isEqualTo(1);
    }
}
