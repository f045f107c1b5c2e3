package dev.hotloop.session.cache;

import dev.hotloop.session.store.EncodedTurn;
import dev.hotloop.session.store.RecordCodec;
import dev.hotloop.session.store.ResponseContext;
import dev.hotloop.session.store.ResponseRepository;
import dev.hotloop.session.store.StoreResult;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Mono;

/**
 * {@link ResponseRepository} behind the replica's {@link NearCache}. Reads the cache holds cost no Redis command;
 * reads it misses go to Redis and fill it. A stored turn is cached with its whole context when that is known without
 * a read (the first turn of a chain, or a continuation of a cached context), because it is the next turn's context.
 * A delete drops the entry here before it answers, and on every other replica through the message the delete
 * publishes.
 */
@Repository
public class CachingResponseRepository {

    private final ResponseRepository repository;
    private final NearCache cache;
    private final RecordCodec codec;

    public CachingResponseRepository(ResponseRepository repository, NearCache cache, RecordCodec codec) {
        this.repository = repository;
        this.cache = cache;
        this.codec = codec;
    }

    /** {@link ResponseRepository#store}, then caches the new response's context when it is known. */
    public Mono<StoreResult> store(String tenant, EncodedTurn turn) {
        return Mono.defer(() -> {
            NearCache.Fill fill = cache.beginFill(tenant, turn.id());
            return repository.store(tenant, turn).doOnNext(result -> {
                if (result instanceof StoreResult.Stored(int depth)) {
                    fillStored(fill, tenant, turn, depth);
                }
            });
        });
    }

    /** The response JSON with its output, or empty when absent. */
    public Mono<String> findResponse(String tenant, String responseId) {
        return Mono.defer(() -> {
            String cached = cache.response(tenant, responseId);
            if (cached != null) {
                return Mono.just(cached);
            }
            NearCache.Fill fill = cache.beginFill(tenant, responseId);
            return repository.findResponse(tenant, responseId).doOnNext(response -> cache.putResponse(fill, response));
        });
    }

    /** The response with its whole context, or empty when absent. */
    public Mono<ResponseContext> findContext(String tenant, String responseId) {
        return Mono.defer(() -> {
            ResponseContext cached = cache.context(tenant, responseId);
            if (cached != null) {
                return Mono.just(cached);
            }
            NearCache.Fill fill = cache.beginFill(tenant, responseId);
            return repository.findContext(tenant, responseId).doOnNext(context -> cache.putContext(fill, context));
        });
    }

    /** {@link ResponseRepository#delete}, dropping the response from this replica's cache before it emits. */
    public Mono<Boolean> delete(String tenant, String responseId) {
        return repository.delete(tenant, responseId).doOnNext(deleted -> {
            if (deleted) {
                cache.invalidate(tenant, responseId);
            }
        });
    }

    private void fillStored(NearCache.Fill fill, String tenant, EncodedTurn turn, int depth) {
        if (turn.previousId() == null) {
            cache.putContext(fill, codec.storedContext(null, turn, depth));
            return;
        }
        ResponseContext parent = cache.peekContext(tenant, turn.previousId());
        if (parent != null) {
            cache.putContext(fill, codec.storedContext(parent, turn, depth));
        }
    }
}
