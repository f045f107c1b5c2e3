package dev.hotloop.api.model.chat;

import dev.hotloop.api.model.upstream.UpstreamClient;
import dev.hotloop.protocol.model.ModelEvent;
import dev.hotloop.protocol.model.ModelProvider;
import dev.hotloop.protocol.model.ModelRequest;
import reactor.core.publisher.Flux;

/**
 * A model behind any OpenAI-compatible streaming {@code /chat/completions} server (vLLM, Ollama, llama.cpp server,
 * LM Studio, OpenAI). The context goes as chat messages ({@link dev.hotloop.protocol.chat.ChatMessages}), rendered
 * identically every turn so that the upstream's prefix cache hits.
 */
public final class OpenAiChatProvider implements ModelProvider {

    private final UpstreamClient client;
    private final ChatCompletionRequest requests;

    /**
     * @param upstreamModel  the model name the upstream knows
     * @param maxTokensField {@code max_tokens} or {@code max_completion_tokens}
     * @param developerRole  the role {@code developer} messages are sent as ({@code system} or {@code developer})
     * @param promptCacheKey whether to send {@code prompt_cache_key}
     * @param renderedBytes  the rendered messages of earlier requests kept at most, for continuations to copy
     */
    public OpenAiChatProvider(
            UpstreamClient client,
            String upstreamModel,
            String maxTokensField,
            String developerRole,
            boolean promptCacheKey,
            long renderedBytes) {
        this.client = client;
        this.requests = new ChatCompletionRequest(
                new ChatCompletionRequest.Options(upstreamModel, maxTokensField, developerRole, promptCacheKey),
                renderedBytes);
    }

    /**
     * Streams one completion: text and call deltas, then one finish with the upstream's usage. Errors with an
     * {@link dev.hotloop.api.model.upstream.UpstreamException} on an HTTP error, an error or malformed chunk, or a
     * stream that ends unfinished. Cancelling closes the upstream connection.
     */
    @Override
    public Flux<ModelEvent> stream(ModelRequest request) {
        return Flux.defer(() -> {
            byte[] body = requests.render(request);
            ChatStreamDecoder decoder = new ChatStreamDecoder(client.label());
            return client.stream("/chat/completions", body)
                    .concatMapIterable(decoder::onData)
                    .concatWith(Flux.defer(() -> Flux.fromIterable(decoder.onEnd())));
        });
    }
}
