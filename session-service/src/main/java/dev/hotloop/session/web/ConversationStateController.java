package dev.hotloop.session.web;

import dev.hotloop.protocol.error.ApiException;
import dev.hotloop.protocol.error.ErrorCodes;
import dev.hotloop.protocol.id.ConversationIds;
import dev.hotloop.protocol.id.TenantIds;
import dev.hotloop.session.store.ConversationRepository;
import dev.hotloop.session.store.ConversationRepository.Write;
import dev.hotloop.session.store.RecordCodec;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * The internal API over conversations, one tenant per path. An unknown id, another tenant's id and a malformed id all
 * answer 404 {@code conversation_not_found}; a missing item 404 {@code item_not_found}; an append that expected
 * another version 409 {@code conversation_changed}; an item id taken 400 {@code duplicate_item_id}.
 */
@RestController
@RequestMapping(path = "/internal/v1/tenants/{tenant}/conversations", produces = MediaType.APPLICATION_JSON_VALUE)
class ConversationStateController {

    private final ConversationRepository repository;
    private final RecordCodec codec;

    ConversationStateController(ConversationRepository repository, RecordCodec codec) {
        this.repository = repository;
        this.codec = codec;
    }

    /** Creates a conversation with its initial items: 201 with its fields; 409 when the id is taken. */
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    Mono<ResponseEntity<ConversationBodies.Conversation>> create(
            @PathVariable String tenant, @RequestBody ConversationRequests.Create request) {
        checkTenant(tenant);
        String id = request.id();
        if (id == null || !ConversationIds.isWellFormed(id)) {
            throw ApiException.invalidRequest(
                    "id", ErrorCodes.INVALID_VALUE, "'id' must be a conversation id such as conv_<48 hex>.");
        }
        String metadata = ConversationRequests.metadata(request.metadata(), codec);
        return repository
                .create(tenant, id, request.createdAt(), metadata, ConversationRequests.items(request.items(), codec))
                .map(write -> switch (write) {
                    case Write.Done(long version) ->
                        ResponseEntity.status(HttpStatus.CREATED)
                                .body(new ConversationBodies.Conversation(id, request.createdAt(), metadata, version));
                    case Write.Exists() ->
                        throw ApiException.conflict(
                                "id", ErrorCodes.INVALID_VALUE, "Conversation with id '" + id + "' already exists.");
                    default -> throw failed(write, id, null);
                });
    }

    @GetMapping("/{id}")
    Mono<ConversationBodies.Conversation> conversation(@PathVariable String tenant, @PathVariable String id) {
        return repository
                .find(tenant, id)
                .map(stored -> ConversationBodies.Conversation.of(id, stored))
                .switchIfEmpty(Mono.error(() -> notFound(id)));
    }

    /** The conversation with all its items, in one Redis round trip. */
    @GetMapping("/{id}/context")
    Mono<ConversationBodies.Context> context(@PathVariable String tenant, @PathVariable String id) {
        return repository
                .findContext(tenant, id)
                .map(context -> ConversationBodies.Context.of(id, context))
                .switchIfEmpty(Mono.error(() -> notFound(id)));
    }

    /** Replaces the metadata; answers the conversation. */
    @PostMapping(path = "/{id}", consumes = MediaType.APPLICATION_JSON_VALUE)
    Mono<ConversationBodies.Conversation> update(
            @PathVariable String tenant, @PathVariable String id, @RequestBody ConversationRequests.Update request) {
        String metadata = ConversationRequests.metadata(request.metadata(), codec);
        return repository
                .updateMetadata(tenant, id, metadata)
                .flatMap(write -> write instanceof Write.Done
                        ? repository.find(tenant, id).map(stored -> ConversationBodies.Conversation.of(id, stored))
                        : Mono.error(failed(write, id, null)));
    }

    /** 204 when deleted with all its items. */
    @DeleteMapping("/{id}")
    Mono<ResponseEntity<Void>> delete(@PathVariable String tenant, @PathVariable String id) {
        return repository.delete(tenant, id).map(write -> {
            if (!(write instanceof Write.Done)) {
                throw notFound(id);
            }
            return ResponseEntity.noContent().<Void>build();
        });
    }

    /** Appends items in one step, only at {@code version} when given; answers the new version. */
    @PostMapping(path = "/{id}/items", consumes = MediaType.APPLICATION_JSON_VALUE)
    Mono<ConversationBodies.Changed> append(
            @PathVariable String tenant, @PathVariable String id, @RequestBody ConversationRequests.Append request) {
        return repository
                .append(tenant, id, request.version(), ConversationRequests.items(request.items(), codec))
                .map(write -> {
                    if (write instanceof Write.Done(long version)) {
                        return new ConversationBodies.Changed(version);
                    }
                    throw failed(write, id, null);
                });
    }

    /** A page of items in {@code order}, starting after the item {@code after}: 400 when it names none. */
    @GetMapping("/{id}/items")
    Mono<ConversationBodies.Page> items(
            @PathVariable String tenant,
            @PathVariable String id,
            @RequestParam int limit,
            @RequestParam String order,
            @RequestParam(defaultValue = "") String after) {
        if (limit < 1 || limit > 100 || !(order.equals("asc") || order.equals("desc"))) {
            throw ApiException.invalidRequest(
                    null, ErrorCodes.INVALID_VALUE, "'limit' must be 1-100 and 'order' asc or desc.");
        }
        return repository
                .items(tenant, id, limit, order.equals("asc"), after)
                .map(page -> ConversationBodies.Page.of(page.items(), page.hasMore(), codec))
                .onErrorMap(
                        IllegalArgumentException.class,
                        e -> ApiException.invalidRequest(
                                "after",
                                ErrorCodes.INVALID_VALUE,
                                "Invalid 'after': no item with id '" + after + "' in this conversation."))
                .switchIfEmpty(Mono.error(() -> notFound(id)));
    }

    /** The item itself. */
    @GetMapping("/{id}/items/{itemId}")
    Mono<String> item(@PathVariable String tenant, @PathVariable String id, @PathVariable String itemId) {
        return repository
                .item(tenant, id, itemId)
                .switchIfEmpty(Mono.error(() -> notFound(id)))
                .map(item -> codec.itemJson(item.orElseThrow(() -> itemNotFound(itemId))));
    }

    /** Deletes an item; answers the conversation. */
    @DeleteMapping("/{id}/items/{itemId}")
    Mono<ConversationBodies.Conversation> deleteItem(
            @PathVariable String tenant, @PathVariable String id, @PathVariable String itemId) {
        return repository
                .deleteItem(tenant, id, itemId)
                .flatMap(write -> write instanceof Write.Done
                        ? repository.find(tenant, id).map(stored -> ConversationBodies.Conversation.of(id, stored))
                        : Mono.error(failed(write, id, itemId)));
    }

    private static void checkTenant(String tenant) {
        if (!TenantIds.isValid(tenant)) {
            throw ApiException.invalidRequest(
                    "tenant", ErrorCodes.INVALID_VALUE, "The tenant must be " + TenantIds.RULE + ".");
        }
    }

    /** The error of a write that did not happen; {@code itemId} is set for an item's delete. */
    private static ApiException failed(Write write, String id, @Nullable String itemId) {
        return switch (write) {
            case Write.ItemConflict() when itemId != null -> itemNotFound(itemId);
            case Write.ItemConflict() ->
                ApiException.invalidRequest(
                        "items", ErrorCodes.DUPLICATE_ITEM_ID, "An item id is already used in this conversation.");
            case Write.Changed() ->
                ApiException.conflict(
                        "conversation",
                        ErrorCodes.CONVERSATION_CHANGED,
                        "Conversation '" + id + "' changed while the response was generated; nothing was appended.");
            default -> notFound(id);
        };
    }

    private static ApiException notFound(String id) {
        return ApiException.conversationNotFound(id);
    }

    private static ApiException itemNotFound(String itemId) {
        return ApiException.notFound(null, ErrorCodes.ITEM_NOT_FOUND, "Item with id '" + itemId + "' not found.");
    }
}
