package dev.hotloop.api.transport.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hotloop.api.ApiReplica;
import dev.hotloop.api.PlatformTest;
import dev.hotloop.protocol.json.ProtocolJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Hostile frames, mutations of a valid {@code response.create}, sent to a running api-service: a client's mistake
 * gets a 4xx-shaped error frame, or a close with the protocol's code (1002, 1007); never a {@code server_error}.
 * A connection that is not closed still serves a valid create afterwards. Every read is bounded, so a hang fails.
 */
class WebSocketFuzzTest {

    private static final String VALID = "{\"type\":\"response.create\",\"model\":\"" + PlatformTest.MODEL
            + "\",\"store\":false,\"input\":\"hello\"}";
    private static final String[] FIELDS = {
        "type",
        "model",
        "store",
        "input",
        "stream_id",
        "previous_response_id",
        "instructions",
        "tools",
        "tool_choice",
        "max_output_tokens",
        "temperature",
        "top_p",
        "metadata",
        "text",
        "reasoning",
        "include",
        "parallel_tool_calls",
        "truncation",
        "stream",
        "background",
        "prompt_cache_key"
    };

    private static ConfigurableApplicationContext replica;

    /** One frame to send; {@code what} names the mutation in a failure report. */
    record Hostile(String what, int opcode, byte[] payload) {

        static Hostile text(String what, String json) {
            return new Hostile(what, FrameSocket.TEXT, json.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String toString() {
            String shown = new String(payload, StandardCharsets.UTF_8);
            return what + ": " + (shown.length() > 300 ? shown.substring(0, 300) + "…" : shown);
        }
    }

    @BeforeContainer
    static void start() {
        replica = ApiReplica.start();
    }

    @AfterContainer
    static void stop() {
        replica.close();
    }

    @Property(tries = 120, shrinking = ShrinkingMode.OFF)
    void aClientMistakeIsNeverAServerErrorNorAHang(@ForAll("hostileFrames") Hostile frame) throws IOException {
        try (FrameSocket socket = new FrameSocket(ApiReplica.port(replica), PlatformTest.ACME_KEY)) {
            socket.send(frame.opcode(), 0, frame.payload());
            while (true) {
                FrameSocket.Frame answer = socket.next();
                if (answer.opcode() == FrameSocket.CLOSE) {
                    assertThat(answer.closeCode()).isIn(1002, 1007);
                    return;
                }
                if (answer.opcode() != FrameSocket.TEXT) {
                    continue;
                }
                JsonNode event = ProtocolJson.mapper().readTree(answer.text());
                String type = event.path("type").asString();
                if (type.equals("error")) {
                    assertThat(event.path("status").asInt()).isBetween(400, 499);
                    assertThat(event.at("/error/type").asString()).isNotEqualTo("server_error");
                    break;
                }
                if (type.equals("response.failed")) {
                    assertThat(event.at("/response/error/code").asString()).isNotEqualTo("server_error");
                    break;
                }
                if (type.equals("response.completed") || type.equals("response.incomplete")) {
                    break; // the mutation was still a valid request
                }
            }
            socket.sendText(VALID);
            assertThat(socket.untilType("response.completed")
                            .at("/response/status")
                            .asString())
                    .isEqualTo("completed");
        }
    }

    @Provide
    Arbitrary<Hostile> hostileFrames() {
        return Arbitraries.oneOf(
                wrongTypes(),
                badJson(),
                hugeStrings(),
                badUtf8(),
                binary(),
                unknownTypes(),
                foreignPreviousResponses(),
                deepNesting());
    }

    private Arbitrary<Hostile> wrongTypes() {
        Arbitrary<String> values = Arbitraries.oneOf(
                Arbitraries.integers().map(String::valueOf),
                Arbitraries.of(
                        "-1",
                        "0",
                        "1e308",
                        "-1e308",
                        "3.5",
                        "true",
                        "false",
                        "null",
                        "{}",
                        "[]",
                        "[1,2]",
                        "{\"a\":[{}]}",
                        "[{\"type\":\"nope\"}]",
                        "[{\"type\":\"function\"}]",
                        "\"\"",
                        "\"\\ud800\"",
                        "\"\\u0000\"",
                        "{\"type\":\"json_schema\"}"),
                Arbitraries.strings().ofMaxLength(40).map(ProtocolJson.mapper()::writeValueAsString));
        return Combinators.combine(Arbitraries.of(FIELDS), values).as((field, value) -> {
            ObjectNode create = (ObjectNode) ProtocolJson.mapper().readTree(VALID);
            create.set(field, ProtocolJson.mapper().readTree(value));
            return Hostile.text("wrong type of " + field, create.toString());
        });
    }

    private Arbitrary<Hostile> badJson() {
        Arbitrary<Hostile> truncated = Arbitraries.integers()
                .between(0, VALID.length() - 1)
                .map(end -> Hostile.text("truncated", VALID.substring(0, end)));
        Arbitrary<Hostile> garbled = Combinators.combine(
                        Arbitraries.integers().between(0, VALID.length() - 1),
                        Arbitraries.chars().with('{', '}', '[', ']', '"', ',', ':', '\\', 'x', ' ', '\u00e9'))
                .as((at, c) -> Hostile.text("garbled", VALID.substring(0, at) + c + VALID.substring(at + 1)));
        return Arbitraries.oneOf(truncated, garbled);
    }

    private Arbitrary<Hostile> hugeStrings() {
        return Combinators.combine(
                        Arbitraries.of("input", "instructions", "model", "stream_id", "previous_response_id"),
                        Arbitraries.strings()
                                .withCharRange(' ', '\uFFFD')
                                .ofMinLength(1)
                                .ofMaxLength(8)
                                .flatMap(unit -> Arbitraries.integers()
                                        .between(1_000, 100_000)
                                        .map(length -> unit.repeat(Math.max(1, length / unit.length())))))
                .as((field, huge) -> {
                    ObjectNode create = (ObjectNode) ProtocolJson.mapper().readTree(VALID);
                    create.put(field, huge);
                    return Hostile.text("huge " + field, create.toString());
                });
    }

    private Arbitrary<Hostile> badUtf8() {
        byte[] valid = VALID.getBytes(StandardCharsets.UTF_8);
        return Combinators.combine(
                        Arbitraries.integers().between(0, valid.length),
                        Arbitraries.of(
                                new byte[] {(byte) 0xC0, (byte) 0xAF},
                                new byte[] {(byte) 0xFF},
                                new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                                new byte[] {(byte) 0xE2, (byte) 0x82},
                                new byte[] {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80}))
                .as((at, bad) -> {
                    byte[] payload = new byte[valid.length + bad.length];
                    System.arraycopy(valid, 0, payload, 0, at);
                    System.arraycopy(bad, 0, payload, at, bad.length);
                    System.arraycopy(valid, at, payload, at + bad.length, valid.length - at);
                    return new Hostile("invalid UTF-8 " + Arrays.toString(bad), FrameSocket.TEXT, payload);
                });
    }

    private Arbitrary<Hostile> binary() {
        return Arbitraries.oneOf(
                Arbitraries.just(
                        new Hostile("binary create", FrameSocket.BINARY, VALID.getBytes(StandardCharsets.UTF_8))),
                Arbitraries.bytes()
                        .array(byte[].class)
                        .ofMaxSize(64)
                        .map(bytes -> new Hostile("binary", FrameSocket.BINARY, bytes)));
    }

    private Arbitrary<Hostile> unknownTypes() {
        return Arbitraries.oneOf(
                        Arbitraries.of(
                                "response.cancel",
                                "session.update",
                                "input_audio_buffer.append",
                                "response.create ",
                                "Response.Create",
                                ""),
                        Arbitraries.strings().alpha().ofMaxLength(20))
                .map(type -> Hostile.text("type " + type, VALID.replace("response.create", type)));
    }

    /** Continuing a response this connection never had, on any lane: previous_response_not_found. */
    private Arbitrary<Hostile> foreignPreviousResponses() {
        return Combinators.combine(
                        Arbitraries.strings()
                                .withChars("abcdefghij0123456789_.:-")
                                .ofMinLength(1)
                                .ofMaxLength(64),
                        Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(40),
                        Arbitraries.of(true, false))
                .as((lane, id, store) -> Hostile.text(
                        "foreign previous on lane " + lane,
                        "{\"type\":\"response.create\","
                                + "\"stream_id\":\"" + lane + "\",\"store\":" + store
                                + ",\"previous_response_id\":\"resp_" + id
                                + "\",\"input\":\"go on\"}"));
    }

    private Arbitrary<Hostile> deepNesting() {
        return Combinators.combine(
                        Arbitraries.integers().between(100, 2_000), Arbitraries.of("input", "metadata", "tools"))
                .as((depth, field) -> Hostile.text(
                        "nested " + depth + " deep in " + field,
                        VALID.replace(
                                "\"input\":\"hello\"",
                                "\"" + field + "\":" + "[".repeat(depth) + "]".repeat(depth)
                                        + (field.equals("input") ? "" : ",\"input\":\"hello\""))));
    }
}
