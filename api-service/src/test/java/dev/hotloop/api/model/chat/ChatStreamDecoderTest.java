package dev.hotloop.api.model.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hotloop.api.model.upstream.UpstreamException;
import dev.hotloop.protocol.model.FinishReason;
import dev.hotloop.protocol.model.ModelEvent;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Chunks as OpenAI, vLLM, Ollama and llama.cpp stream them, read into model events. */
class ChatStreamDecoderTest {

    private static List<ModelEvent> decode(String... data) {
        ChatStreamDecoder decoder = new ChatStreamDecoder("test");
        List<ModelEvent> events = new ArrayList<>();
        for (String chunk : data) {
            events.addAll(decoder.onData(chunk));
        }
        events.addAll(decoder.onEnd());
        return events;
    }

    private static String delta(String delta) {
        return "{\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":null}]}";
    }

    private static String finish(String reason) {
        return "{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"" + reason + "\"}]}";
    }

    @Test
    void textDeltasThenFinishWithTheUsageChunk() {
        assertThat(decode(
                        delta("{\"role\":\"assistant\",\"content\":\"\"}"),
                        delta("{\"content\":\"Hel\"}"),
                        delta("{\"content\":\"lo\"}"),
                        finish("stop"),
                        "{\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":2,\"total_tokens\":14,"
                                + "\"prompt_tokens_details\":{\"cached_tokens\":8}}}",
                        "[DONE]"))
                .containsExactly(
                        new ModelEvent.TextDelta("Hel"),
                        new ModelEvent.TextDelta("lo"),
                        new ModelEvent.Finish(FinishReason.STOP, new ModelEvent.ModelUsage(12, 8, 2)));
    }

    @Test
    void parallelToolCallsStreamInIndexOrder() {
        assertThat(decode(
                        delta("{\"tool_calls\":[{\"index\":0,\"id\":\"call_a\",\"type\":\"function\","
                                + "\"function\":{\"name\":\"f\",\"arguments\":\"\"}}]}"),
                        delta("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"x\\\":\"}}]}"),
                        delta("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"1}\"}}]}"),
                        delta("{\"tool_calls\":[{\"index\":1,\"id\":\"call_b\",\"type\":\"function\","
                                + "\"function\":{\"name\":\"g\",\"arguments\":\"{}\"}}]}"),
                        finish("tool_calls"),
                        "[DONE]"))
                .containsExactly(
                        new ModelEvent.FunctionCallStart("call_a", "f"),
                        new ModelEvent.ArgumentsDelta("{\"x\":"),
                        new ModelEvent.ArgumentsDelta("1}"),
                        new ModelEvent.FunctionCallStart("call_b", "g"),
                        new ModelEvent.ArgumentsDelta("{}"),
                        new ModelEvent.Finish(FinishReason.STOP, null));
    }

    @Test
    void wholeCallsInOneChunkWithoutIndexAsOllamaSendsThem() {
        assertThat(decode(
                        delta(
                                "{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":["
                                        + "{\"id\":\"call_1\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}},"
                                        + "{\"id\":\"call_2\",\"function\":{\"name\":\"g\",\"arguments\":\"{\\\"a\\\":1}\"}}]}"),
                        "{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}],"
                                + "\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":3}}"))
                .containsExactly(
                        new ModelEvent.FunctionCallStart("call_1", "f"),
                        new ModelEvent.ArgumentsDelta("{}"),
                        new ModelEvent.FunctionCallStart("call_2", "g"),
                        new ModelEvent.ArgumentsDelta("{\"a\":1}"),
                        new ModelEvent.Finish(FinishReason.STOP, new ModelEvent.ModelUsage(5, 0, 3)));
    }

    @Test
    void lengthAndContentFilterFinishIncomplete() {
        assertThat(decode(delta("{\"content\":\"cut\"}"), finish("length"), "[DONE]")
                        .getLast())
                .isEqualTo(new ModelEvent.Finish(FinishReason.LENGTH, null));
        assertThat(decode(finish("content_filter"), "[DONE]").getLast())
                .isEqualTo(new ModelEvent.Finish(FinishReason.CONTENT_FILTER, null));
    }

    @Test
    void reasoningAndRefusalDeltasAreSkipped() {
        assertThat(decode(
                        delta("{\"reasoning_content\":\"hmm\"}"),
                        delta("{\"reasoning\":\"hmm\"}"),
                        delta("{\"content\":\"ok\"}"),
                        finish("stop"),
                        "[DONE]"))
                .containsExactly(new ModelEvent.TextDelta("ok"), new ModelEvent.Finish(FinishReason.STOP, null));
    }

    @Test
    void anErrorChunkFailsWithTheUpstreamsMessage() {
        assertThatThrownBy(() -> decode(
                        delta("{\"content\":\"a\"}"),
                        "{\"error\":{\"object\":\"error\",\"message\":\"CUDA out of memory\",\"type\":\"InternalServerError\","
                                + "\"code\":500}}"))
                .isInstanceOfSatisfying(UpstreamException.class, e -> {
                    assertThat(e.kind()).isEqualTo(UpstreamException.Kind.UNAVAILABLE);
                    assertThat(e.detail()).isEqualTo("error in stream: CUDA out of memory");
                });
    }

    @Test
    void malformedChunksAndUnfinishedStreamsFail() {
        assertThatThrownBy(() -> decode(delta("{\"content\":\"a\"}"), "{\"choices\":[{\"delta\":"))
                .isInstanceOfSatisfying(UpstreamException.class, e -> {
                    assertThat(e.kind()).isEqualTo(UpstreamException.Kind.MALFORMED);
                    assertThat(e.detail()).contains("unreadable chunk");
                });
        assertThatThrownBy(() -> decode(delta("{\"content\":\"a\"}")))
                .isInstanceOfSatisfying(
                        UpstreamException.class,
                        e -> assertThat(e.kind()).isEqualTo(UpstreamException.Kind.UNAVAILABLE));
        assertThatThrownBy(() -> decode(
                        delta("{\"tool_calls\":[{\"index\":0,\"id\":\"c\",\"function\":{\"arguments\":\"{}\"}}]}")))
                .isInstanceOfSatisfying(
                        UpstreamException.class, e -> assertThat(e.detail()).contains("without a function name"));
    }

    @Test
    void aFinishReasonWithoutDoneStillFinishes() {
        assertThat(decode(delta("{\"content\":\"a\"}"), finish("stop")).getLast())
                .isEqualTo(new ModelEvent.Finish(FinishReason.STOP, null));
    }
}
