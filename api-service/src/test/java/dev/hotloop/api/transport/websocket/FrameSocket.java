package dev.hotloop.api.transport.websocket;

import dev.hotloop.protocol.json.ProtocolJson;
import dev.hotloop.testsupport.WireSpecs;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;
import tools.jackson.databind.JsonNode;

/**
 * A WebSocket client on a bare socket, for what no client library sends: frames with reserved bits, text frames
 * that are not UTF-8, whatever bytes a test makes up. Offers no extension. Reads with a 10 s timeout.
 */
final class FrameSocket implements AutoCloseable {

    static final int TEXT = 0x1;
    static final int BINARY = 0x2;
    static final int CLOSE = 0x8;
    static final int PING = 0x9;
    static final int PONG = 0xA;
    static final int RSV1 = 0x40;
    static final int RSV2 = 0x20;

    /** A frame the server sent; {@code closeCode} is set for close frames (1005 when it carries none). */
    record Frame(int opcode, byte[] payload) {

        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        int closeCode() {
            return payload.length < 2 ? 1005 : ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
        }
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    FrameSocket(int port, String apiKey) throws IOException {
        socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(10_000);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        out.write(("GET /v1/responses HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
                        + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
                        + Base64.getEncoder().encodeToString(nonce) + "\r\nAuthorization: Bearer " + apiKey
                        + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        String status = readHead();
        if (!status.startsWith("HTTP/1.1 101")) {
            throw new IOException("no upgrade: " + status);
        }
    }

    /** Sends one final, masked frame: {@code bits} is the first byte's flags (RSV1, RSV2), or 0. */
    void send(int opcode, int bits, byte[] payload) throws IOException {
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(0x80 | bits | opcode);
        if (payload.length < 126) {
            frame.write(0x80 | payload.length);
        } else if (payload.length < 65_536) {
            frame.write(0x80 | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length);
        } else {
            frame.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                frame.write((int) ((long) payload.length >>> shift));
            }
        }
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        frame.write(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i % 4]);
        }
        out.write(frame.toByteArray());
        out.flush();
    }

    void sendText(String text) throws IOException {
        send(TEXT, 0, text.getBytes(StandardCharsets.UTF_8));
    }

    /** The next frame the server sends (servers do not mask, nor fragment ours); a text frame is held to the specs. */
    Frame next() throws IOException {
        int first = in.readUnsignedByte();
        int second = in.readUnsignedByte();
        long length = second & 0x7F;
        if (length == 126) {
            length = in.readUnsignedShort();
        } else if (length == 127) {
            length = in.readLong();
        }
        byte[] payload = new byte[Math.toIntExact(length)];
        in.readFully(payload);
        Frame frame = new Frame(first & 0x0F, payload);
        if (frame.opcode() == TEXT) {
            WireSpecs.get().checkWebSocketFrame(ProtocolJson.mapper().readTree(frame.text()));
        }
        return frame;
    }

    /** Frames until the close frame, which it returns; skips pings and events. */
    Frame untilClose() throws IOException {
        Frame frame;
        do {
            frame = next();
        } while (frame.opcode() != CLOSE);
        return frame;
    }

    /** Text frames until one whose JSON {@code type} is {@code type}, which it returns; fails on a close frame. */
    JsonNode untilType(String type) throws IOException {
        while (true) {
            Frame frame = next();
            if (frame.opcode() == CLOSE) {
                throw new AssertionError("closed with " + frame.closeCode() + " before " + type);
            }
            if (frame.opcode() == TEXT) {
                JsonNode event = ProtocolJson.mapper().readTree(frame.text());
                if (type.equals(event.path("type").asString())) {
                    return event;
                }
            }
        }
    }

    private String readHead() throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            head.append((char) in.readUnsignedByte());
        }
        return head.toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
