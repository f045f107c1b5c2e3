package dev.hotloop.api.model.responses;

import dev.hotloop.api.model.upstream.UpstreamClient;
import dev.hotloop.api.model.upstream.UpstreamException;
import dev.hotloop.protocol.error.ErrorCodes;
import dev.hotloop.protocol.model.ModelEvent;
import dev.hotloop.protocol.model.ModelProvider;
import dev.hotloop.protocol.model.ModelRequest;
import java.util.List;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;

/**
 * A model behind an upstream Responses API (OpenAI, or a compatible server). Hotloop keeps its own state, so by
 * default every step is stateless upstream: {@code store:false} and the whole context. Chained, the upstream stores its
 * responses and a step whose context starts with the input and output of one of them sends only the items after it,
 * with that response as {@code previous_response_id} (the upstream keeps its reasoning too); when the upstream has
 * forgotten it, the step is sent again in full.
 */
public final class OpenAiResponsesProvider implements ModelProvider {

    private static final int REMEMBERED_RESPONSES = 100_000;

    private final UpstreamClient client;
    private final ResponsesRequest requests;
    private final @Nullable ResponseChains chains;

    /**
     * @param chained       store responses upstream and continue them with {@code previous_response_id}
     * @param renderedBytes the rendered input of earlier requests kept at most, for continuations to copy
     */
    public OpenAiResponsesProvider(
            UpstreamClient client, String upstreamModel, boolean promptCacheKey, boolean chained, long renderedBytes) {
        this.client = client;
        this.requests = new ResponsesRequest(upstreamModel, promptCacheKey, chained, renderedBytes);
        this.chains = chained ? new ResponseChains(REMEMBERED_RESPONSES) : null;
    }

    /**
     * Streams one response: text and call deltas, then one finish with the upstream's usage. Errors with an
     * {@link UpstreamException} on an HTTP error, a failed response, an error or malformed event, or a stream that
     * ends unfinished. Cancelling closes the upstream connection.
     */
    @Override
    public Flux<ModelEvent> stream(ModelRequest request) {
        return Flux.defer(() -> {
            if (chains == null) {
                return call(request, null, null, 0);
            }
            List<byte[]> digests = ResponseChains.digests(request.context());
            ResponseChains.Match match = chains.longestPrefix(digests);
            if (match == null) {
                return call(request, digests, null, 0);
            }
            return call(request, digests, match.upstreamId(), match.covered())
                    .onErrorResume(OpenAiResponsesProvider::previousResponseGone, gone -> {
                        chains.forget(match);
                        return call(request, digests, null, 0);
                    });
        });
    }

    private Flux<ModelEvent> call(
            ModelRequest request, @Nullable List<byte[]> digests, @Nullable String previousResponseId, int from) {
        return Flux.defer(() -> {
            byte[] body = requests.render(request, previousResponseId, from);
            ResponsesStreamDecoder decoder = new ResponsesStreamDecoder(client.label());
            Flux<ModelEvent> events = client.stream("/responses", body)
                    .concatMapIterable(decoder::onData)
                    .concatWith(Flux.defer(() -> Flux.fromIterable(decoder.onEnd())));
            ResponseChains remembered = chains;
            if (remembered == null || digests == null) {
                return events;
            }
            ResponseChains.Output output = new ResponseChains.Output();
            return events.doOnNext(event -> {
                output.on(event);
                String upstreamId = decoder.responseId();
                if (event instanceof ModelEvent.Finish && upstreamId != null) {
                    remembered.remember(digests, output.items(), upstreamId);
                }
            });
        });
    }

    private static boolean previousResponseGone(Throwable error) {
        return error instanceof UpstreamException upstream
                && ErrorCodes.PREVIOUS_RESPONSE_NOT_FOUND.equals(upstream.upstreamCode());
    }
}
