package dev.hotloop.protocol.response;

/** The answer of {@code POST /v1/responses/input_tokens}: the input a create body would be counted as. */
public record InputTokens(String object, int inputTokens) {

    public static InputTokens of(int inputTokens) {
        return new InputTokens("response.input_tokens", inputTokens);
    }
}
