package dev.hotloop.session.store;

import dev.hotloop.protocol.id.ChainKeys;
import dev.hotloop.session.SessionProperties;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Mono;

/**
 * Conversations in Redis: their fields, their items by id and their order ({@link ChainKeys#conversation}). Every
 * operation is one Lua script, so one round trip (EVALSHA), whatever the conversation's length; writes go through
 * {@link ReplicatedWrites}. Conversations change, so no near cache holds them. A malformed tenant or id owns nothing:
 * reads are empty, writes find no conversation.
 *
 * <p>Every change of the items (an append, an item deleted) moves the conversation's version on by one; an append
 * can require the version it expects, which is how a response appends only to the conversation it read.
 */
@Repository
public class ConversationRepository {

    private static final RedisScript<Long> CREATE = ResponseRepository.script("create-conversation.lua", Long.class);
    private static final RedisScript<Long> APPEND =
            ResponseRepository.script("append-conversation-items.lua", Long.class);
    private static final RedisScript<Long> UPDATE = ResponseRepository.script("update-conversation.lua", Long.class);
    private static final RedisScript<Long> DELETE = ResponseRepository.script("delete-conversation.lua", Long.class);
    private static final RedisScript<Long> DELETE_ITEM =
            ResponseRepository.script("delete-conversation-item.lua", Long.class);
    private static final RedisScript<List<String>> CONVERSATION = ResponseRepository.listScript("conversation.lua");
    private static final RedisScript<List<String>> CONTEXT = ResponseRepository.listScript("conversation-context.lua");
    private static final RedisScript<List<String>> ITEMS = ResponseRepository.listScript("conversation-items.lua");
    private static final RedisScript<List<String>> ITEM = ResponseRepository.listScript("conversation-item.lua");

    private static final long ABSENT = -1;
    private static final long ITEM_CONFLICT = -2;
    private static final long CHANGED = -3;

    private final ReactiveStringRedisTemplate redis;
    private final SharedRedisConnection connection;
    private final ReplicatedWrites writes;
    private final String ttlMillis;

    public ConversationRepository(
            ReactiveStringRedisTemplate redis,
            SharedRedisConnection connection,
            ReplicatedWrites writes,
            SessionProperties properties) {
        this.redis = redis;
        this.connection = connection;
        this.writes = writes;
        this.ttlMillis = Long.toString(properties.ttl().toMillis());
    }

    /**
     * A conversation's own fields.
     *
     * @param createdAt when it was created, in Unix seconds
     * @param metadata its metadata as a JSON object
     * @param version how many times its items changed
     */
    public record StoredConversation(long createdAt, String metadata, long version) {

        static StoredConversation of(List<String> fields) {
            return new StoredConversation(Long.parseLong(fields.get(0)), fields.get(1), Long.parseLong(fields.get(2)));
        }
    }

    /**
     * @param conversation its fields
     * @param items every item, encoded, in order
     */
    public record ConversationContext(StoredConversation conversation, List<String> items) {}

    /**
     * @param items the page's items, encoded
     * @param hasMore whether items follow in the page's order
     */
    public record ItemsPage(List<String> items, boolean hasMore) {}

    /** What a write came to. */
    public sealed interface Write {

        /** @param value the new version, or what the operation documents */
        record Done(long value) implements Write {}

        /** The conversation does not exist for the tenant. */
        record Absent() implements Write {}

        /** A conversation with the id exists already (on create). */
        record Exists() implements Write {}

        /** An item id is taken (on create and append), or no item has it (on delete). */
        record ItemConflict() implements Write {}

        /** The conversation is no longer at the version the append expected. */
        record Changed() implements Write {}
    }

    /**
     * An item with the id it is stored under.
     *
     * @param id the item's id
     * @param element the item encoded by {@link RecordCodec#item}
     */
    public record IdentifiedItem(String id, String element) {}

    /** Creates a conversation: {@code Done(0)}, {@code Exists}, or {@code ItemConflict} when two items share an id. */
    public Mono<Write> create(String tenant, String id, long createdAt, String metadata, List<IdentifiedItem> items) {
        List<String> args = new ArrayList<>(3 + 2 * items.size());
        args.add(ttlMillis);
        args.add(Long.toString(createdAt));
        args.add(metadata);
        addItems(args, items);
        // the script's "exists" shares its code with the others' "absent"
        return write(tenant, id, CREATE, args).map(write -> write instanceof Write.Absent ? new Write.Exists() : write);
    }

    /**
     * Appends items in one step: {@code Done(version)}, {@code Absent}, {@code ItemConflict} when an id is taken, or
     * {@code Changed} when {@code expectedVersion} is given and the conversation is no longer at it.
     */
    public Mono<Write> append(String tenant, String id, @Nullable Long expectedVersion, List<IdentifiedItem> items) {
        List<String> args = new ArrayList<>(2 + 2 * items.size());
        args.add(ttlMillis);
        args.add(expectedVersion == null ? "" : expectedVersion.toString());
        addItems(args, items);
        return write(tenant, id, APPEND, args);
    }

    /** Replaces the metadata: {@code Done(createdAt)} or {@code Absent}. */
    public Mono<Write> updateMetadata(String tenant, String id, String metadata) {
        return write(tenant, id, UPDATE, List.of(ttlMillis, metadata));
    }

    /** Deletes a conversation and its items: {@code Done(1)} or {@code Absent}. */
    public Mono<Write> delete(String tenant, String id) {
        return Mono.justOrEmpty(ChainKeys.conversation(tenant, id))
                .flatMap(keys -> connection.call(() -> writes.execute(DELETE, keys.all(), List.of())))
                .<Write>map(deleted -> deleted == 1 ? new Write.Done(1) : new Write.Absent())
                .defaultIfEmpty(new Write.Absent());
    }

    /** Deletes an item: {@code Done(version)}, {@code Absent}, or {@code ItemConflict} when there is no such item. */
    public Mono<Write> deleteItem(String tenant, String id, String itemId) {
        return write(tenant, id, DELETE_ITEM, List.of(ttlMillis, itemId));
    }

    /** The conversation's fields, or empty when absent. */
    public Mono<StoredConversation> find(String tenant, String id) {
        return read(tenant, id, CONVERSATION, List.of(ttlMillis)).map(StoredConversation::of);
    }

    /** The conversation with all its items, or empty when absent. */
    public Mono<ConversationContext> findContext(String tenant, String id) {
        return read(tenant, id, CONTEXT, List.of(ttlMillis))
                .map(reply -> new ConversationContext(
                        StoredConversation.of(reply), List.copyOf(reply.subList(3, reply.size()))));
    }

    /**
     * A page of items, or empty when the conversation is absent; emits an {@link IllegalArgumentException} when
     * {@code after} names no item of it.
     */
    public Mono<ItemsPage> items(String tenant, String id, int limit, boolean ascending, String after) {
        return read(tenant, id, ITEMS, List.of(ttlMillis, Integer.toString(limit), ascending ? "asc" : "desc", after))
                .flatMap(reply -> "after".equals(reply.getFirst())
                        ? Mono.error(new IllegalArgumentException("No item " + after + " in " + id))
                        : Mono.just(new ItemsPage(
                                List.copyOf(reply.subList(1, reply.size())), "more".equals(reply.getFirst()))));
    }

    /** The encoded item, or an empty optional when the conversation has no such item; empty when it is absent. */
    public Mono<Optional<String>> item(String tenant, String id, String itemId) {
        return read(tenant, id, ITEM, List.of(ttlMillis, itemId))
                .map(reply -> reply.size() == 2 ? Optional.of(reply.get(1)) : Optional.empty());
    }

    private Mono<List<String>> read(String tenant, String id, RedisScript<List<String>> script, List<String> args) {
        return Mono.justOrEmpty(ChainKeys.conversation(tenant, id))
                .flatMap(keys -> connection.call(
                        () -> redis.execute(script, keys.all(), args).single()))
                .filter(reply -> !reply.isEmpty());
    }

    private Mono<Write> write(String tenant, String id, RedisScript<Long> script, List<String> args) {
        return Mono.justOrEmpty(ChainKeys.conversation(tenant, id))
                .flatMap(keys -> connection.call(() -> writes.execute(script, keys.all(), args)))
                .map(ConversationRepository::write)
                .defaultIfEmpty(new Write.Absent());
    }

    private static Write write(long code) {
        if (code == ABSENT) {
            return new Write.Absent();
        }
        if (code == ITEM_CONFLICT) {
            return new Write.ItemConflict();
        }
        if (code == CHANGED) {
            return new Write.Changed();
        }
        return new Write.Done(code);
    }

    private static void addItems(List<String> args, List<IdentifiedItem> items) {
        for (IdentifiedItem item : items) {
            args.add(item.id());
            args.add(item.element());
        }
    }
}
