package dev.hotloop.localredis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalRedisTest {

    @Test
    void startedRedisAnswersPingOnLoopbackAndStopsOnClose() throws IOException {
        int port;
        try (LocalRedis redis = LocalRedis.startEphemeral()) {
            port = redis.port();
            assertThat(redis.host()).isEqualTo("127.0.0.1");
            assertThat(port).isNotEqualTo(6379);
            assertThat(ping(redis.host(), port)).isEqualTo("+PONG\r\n");
        }
        assertThatThrownBy(() -> ping("127.0.0.1", port)).isInstanceOf(ConnectException.class);
    }

    @Test
    void embeddedFallbackAnswersPingAndStopsOnClose() throws IOException {
        int port;
        try (LocalRedis redis = LocalRedis.startEmbedded(LocalRedis.EPHEMERAL)) {
            port = redis.port();
            assertThat(ping(redis.host(), port)).isEqualTo("+PONG\r\n");
        }
        assertThatThrownBy(() -> ping("127.0.0.1", port)).isInstanceOf(ConnectException.class);
    }

    @Test
    void persistentRedisKeepsItsDataAcrossARestartOnTheSameDirectory(@TempDir Path dataDir) {
        try (LocalRedis redis = LocalRedis.startPersistent(dataDir.resolve("redis"))) {
            RespClient client = RespClient.of(redis.host(), redis.port(), Duration.ofSeconds(2));
            assertThat(client.call("INFO", "persistence")).contains("aof_enabled:1");
            assertThat(client.call("SET", "turn", "acknowledged")).isEqualTo("+OK");
        }
        try (LocalRedis redis = LocalRedis.startPersistent(dataDir.resolve("redis"))) {
            assertThat(RespClient.of(redis.host(), redis.port(), Duration.ofSeconds(2))
                            .call("GET", "turn"))
                    .isEqualTo("acknowledged");
        }
    }

    @Test
    void respClientReadsBulkReplies() {
        try (LocalRedis redis = LocalRedis.startEphemeral()) {
            RespClient client = RespClient.of(redis.host(), redis.port(), Duration.ofSeconds(2));
            assertThat(client.call("SET", "greeting", "héllo")).isEqualTo("+OK");
            assertThat(client.call("GET", "greeting")).isEqualTo("héllo");
            assertThat(client.call("GET", "absent")).isNull();
            assertThat(client.call("INCR", "counter")).isEqualTo(":1");
        }
    }

    private static String ping(String host, int port) throws IOException {
        try (Socket socket = new Socket(host, port)) {
            socket.setSoTimeout(2_000);
            OutputStream out = socket.getOutputStream();
            out.write("*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readNBytes(7), StandardCharsets.US_ASCII);
        }
    }
}
