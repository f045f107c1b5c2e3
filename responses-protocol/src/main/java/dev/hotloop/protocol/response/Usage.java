package dev.hotloop.protocol.response;

/**
 * Token usage of one response, counted with a real tokenizer when the model does not report it.
 *
 * @param inputTokens         tokens of the whole rendered input (history, instructions, tools)
 * @param inputTokensDetails  of the input, the tokens served from a prompt cache
 * @param outputTokens        tokens the model produced
 * @param outputTokensDetails of the output, the reasoning tokens
 * @param totalTokens         input and output tokens together
 */
public record Usage(
        int inputTokens,
        InputDetails inputTokensDetails,
        int outputTokens,
        OutputDetails outputTokensDetails,
        int totalTokens) {

    public record InputDetails(int cachedTokens, int cacheWriteTokens) {}

    public record OutputDetails(int reasoningTokens) {}

    public static Usage of(int inputTokens, int cachedTokens, int outputTokens) {
        return new Usage(
                inputTokens,
                new InputDetails(cachedTokens, 0),
                outputTokens,
                new OutputDetails(0),
                inputTokens + outputTokens);
    }
}
