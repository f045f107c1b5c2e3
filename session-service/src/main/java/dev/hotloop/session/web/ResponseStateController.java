package dev.hotloop.session.web;

import dev.hotloop.protocol.error.ApiException;
import dev.hotloop.protocol.error.ErrorCodes;
import dev.hotloop.protocol.id.TenantIds;
import dev.hotloop.session.cache.CachingResponseRepository;
import dev.hotloop.session.store.EncodedTurn;
import dev.hotloop.session.store.RecordCodec;
import dev.hotloop.session.store.StoreResult;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * The internal API over response state, one tenant per path. An unknown id, another tenant's id and a malformed
 * id all answer 404.
 */
@RestController
@RequestMapping(path = "/internal/v1/tenants/{tenant}/responses", produces = MediaType.APPLICATION_JSON_VALUE)
class ResponseStateController {

    private final CachingResponseRepository repository;
    private final RecordCodec codec;
    private final JsonMapper mapper;

    ResponseStateController(CachingResponseRepository repository, RecordCodec codec, JsonMapper mapper) {
        this.repository = repository;
        this.codec = codec;
        this.mapper = mapper;
    }

    /**
     * Stores one turn: 201 with id and depth; 400 malformed; 404 unknown previous response; 409 id taken. The body is
     * taken as bytes: what is stored is cut from them ({@link StoreTurnRequest#read}).
     */
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    Mono<ResponseEntity<StoredTurnBody>> store(@PathVariable String tenant, @RequestBody byte[] body) {
        if (!TenantIds.isValid(tenant)) {
            throw ApiException.invalidRequest(
                    "tenant", ErrorCodes.INVALID_VALUE, "The tenant must be " + TenantIds.RULE + ".");
        }
        EncodedTurn turn = StoreTurnRequest.read(body, mapper).toTurn(codec);
        return repository.store(tenant, turn).map(result -> switch (result) {
            case StoreResult.Stored(int depth) ->
                ResponseEntity.status(HttpStatus.CREATED).body(new StoredTurnBody(turn.id(), depth));
            case StoreResult.AlreadyExists() ->
                throw ApiException.conflict(
                        "response.id",
                        ErrorCodes.RESPONSE_ALREADY_EXISTS,
                        "Response with id '" + turn.id() + "' already exists.");
            case StoreResult.PreviousNotFound() -> throw StoreTurnRequest.previousNotFound(turn.previousId());
        });
    }

    /** The Response JSON with its output. */
    @GetMapping("/{id}")
    Mono<String> response(@PathVariable String tenant, @PathVariable String id) {
        return repository.findResponse(tenant, id).switchIfEmpty(Mono.error(() -> ApiException.responseNotFound(id)));
    }

    /**
     * 200 without a body when the response exists, else 404: how an api-service replica checks, in O(1), that a
     * conversation it kept from an earlier turn may still be continued.
     */
    @RequestMapping(path = "/{id}", method = RequestMethod.HEAD)
    Mono<ResponseEntity<Void>> exists(@PathVariable String tenant, @PathVariable String id) {
        return repository
                .findResponse(tenant, id)
                .map(found -> ResponseEntity.ok().<Void>build())
                .switchIfEmpty(Mono.error(() -> ApiException.responseNotFound(id)));
    }

    /** The response and its whole context, in one Redis round trip or none when the near cache holds it. */
    @GetMapping("/{id}/context")
    Mono<ContextBody> context(@PathVariable String tenant, @PathVariable String id) {
        return repository
                .findContext(tenant, id)
                .map(ContextBody::of)
                .switchIfEmpty(Mono.error(() -> ApiException.responseNotFound(id)));
    }

    /** 204 when deleted, and dropped from every replica's near cache; its children keep their context. */
    @DeleteMapping("/{id}")
    Mono<ResponseEntity<Void>> delete(@PathVariable String tenant, @PathVariable String id) {
        return repository
                .delete(tenant, id)
                .filter(Boolean::booleanValue)
                .map(deleted -> ResponseEntity.noContent().<Void>build())
                .switchIfEmpty(Mono.error(() -> ApiException.responseNotFound(id)));
    }
}
