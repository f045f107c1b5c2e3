package dev.hotloop.localredis;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * A minimal blocking RESP client, one connection per call, for readiness probes and test diagnostics
 * (never for application traffic).
 */
public final class RespClient {

    private final String host;
    private final int port;
    private final Duration timeout;

    private RespClient(String host, int port, Duration timeout) {
        this.host = host;
        this.port = port;
        this.timeout = timeout;
    }

    public static RespClient of(String host, int port, Duration timeout) {
        return new RespClient(host, port, timeout);
    }

    /**
     * Sends one command and returns its reply: a simple string as {@code +OK}, an error as {@code -ERR …},
     * an integer as {@code :1}, a bulk string as its content ({@code null} for a nil reply).
     *
     * @throws UncheckedIOException when Redis cannot be reached within the timeout or the reply is an array
     */
    public @Nullable String call(String... command) {
        try (Socket socket = new Socket()) {
            int millis = Math.toIntExact(timeout.toMillis());
            socket.connect(new InetSocketAddress(host, port), millis);
            socket.setSoTimeout(millis);
            OutputStream out = socket.getOutputStream();
            out.write(encode(command));
            out.flush();
            return readReply(new BufferedInputStream(socket.getInputStream()));
        } catch (IOException e) {
            throw new UncheckedIOException("Redis at " + host + ":" + port + " did not answer " + command[0], e);
        }
    }

    private static byte[] encode(String... command) {
        StringBuilder request =
                new StringBuilder().append('*').append(command.length).append("\r\n");
        for (String part : command) {
            request.append('$')
                    .append(part.getBytes(StandardCharsets.UTF_8).length)
                    .append("\r\n")
                    .append(part)
                    .append("\r\n");
        }
        return request.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static @Nullable String readReply(InputStream in) throws IOException {
        String line = readLine(in);
        return switch (line.charAt(0)) {
            case '+', '-', ':' -> line;
            case '$' -> readBulk(in, Integer.parseInt(line.substring(1)));
            default -> throw new IOException("unsupported RESP reply: " + line);
        };
    }

    private static @Nullable String readBulk(InputStream in, int length) throws IOException {
        if (length < 0) {
            return null;
        }
        byte[] content = in.readNBytes(length);
        if (content.length < length) {
            throw new IOException("connection closed inside a bulk reply");
        }
        readLine(in);
        return new String(content, StandardCharsets.UTF_8);
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int previous = -1;
        for (int next = in.read(); next != -1; next = in.read()) {
            if (previous == '\r' && next == '\n') {
                byte[] bytes = line.toByteArray();
                return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
            }
            line.write(next);
            previous = next;
        }
        throw new IOException("connection closed before the end of a reply line");
    }
}
