package dev.hotloop.protocol.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hotloop.protocol.item.FunctionCallItem;
import dev.hotloop.protocol.item.FunctionCallOutputItem;
import dev.hotloop.protocol.item.Item;
import dev.hotloop.protocol.item.MessageItem;
import dev.hotloop.protocol.item.PassThroughItem;
import dev.hotloop.protocol.json.ProtocolJson;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Any valid conversation survives items → chat messages → items, and renders as a stable prefix turn after turn. */
class ChatMessagesRoundTripTest {

    /** What an item means to a model, without its id and status. */
    record Canonical(String type, String role, List<String> texts, String callId, String name, String value) {

        static Canonical of(Item item) {
            return switch (item) {
                case MessageItem message -> {
                    List<String> texts = new ArrayList<>();
                    message.json()
                            .path("content")
                            .forEach(part -> texts.add(part.path("text").asString("")));
                    yield new Canonical("message", message.role(), texts, null, null, null);
                }
                case FunctionCallItem call ->
                    new Canonical("function_call", null, List.of(), call.callId(), call.name(), call.arguments());
                case FunctionCallOutputItem output ->
                    new Canonical(
                            "function_call_output",
                            null,
                            List.of(),
                            output.callId(),
                            null,
                            output.json().path("output").toString());
                case PassThroughItem other ->
                    new Canonical(
                            other.type(),
                            null,
                            List.of(),
                            null,
                            null,
                            other.json().toString());
            };
        }
    }

    @Property(tries = 400)
    void noMessageCallOrOutputIsLostAndOrderIsKept(@ForAll("conversations") List<Item> conversation) {
        List<Item> back = ChatMessages.fromChat(reparsed(ChatMessages.toChat(null, conversation)));

        List<Canonical> expected = conversation.stream()
                .filter(item -> !(item instanceof PassThroughItem))
                .map(Canonical::of)
                .toList();
        assertThat(back.stream().map(Canonical::of).toList()).isEqualTo(expected);
    }

    @Property(tries = 400)
    void everyToolMessageDirectlyFollowsTheAssistantMessageThatCalledIt(
            @ForAll("conversations") List<Item> conversation) {
        ArrayNode messages = ChatMessages.toChat(null, conversation);

        Set<String> pending = new HashSet<>();
        boolean afterCalls = false;
        for (JsonNode message : messages) {
            switch (message.path("role").asString()) {
                case "assistant" -> {
                    assertThat(pending)
                            .as("calls answered before the next assistant message")
                            .isEmpty();
                    message.path("tool_calls")
                            .forEach(call -> pending.add(call.path("id").asString()));
                    afterCalls = !pending.isEmpty();
                }
                case "tool" -> {
                    assertThat(afterCalls)
                            .as("tool message right after its calls")
                            .isTrue();
                    assertThat(pending.remove(message.path("tool_call_id").asString()))
                            .isTrue();
                }
                default -> {
                    assertThat(pending)
                            .as("calls answered before the next message")
                            .isEmpty();
                    afterCalls = false;
                }
            }
        }
        assertThat(pending).isEmpty();
    }

    @Property(tries = 300)
    void eachTurnRendersAsAPrefixOfTheNext(@ForAll("conversations") List<Item> conversation) {
        String whole = ChatMessages.toChat("Be brief.", conversation).toString();
        for (int end = 1; end <= conversation.size(); end++) {
            if (conversation.get(end - 1).producedByModel()) {
                continue; // a context sent to a model ends with input, never inside the model's own output
            }
            String rendered = ChatMessages.toChat("Be brief.", conversation.subList(0, end))
                    .toString();
            assertThat(whole).startsWith(rendered.substring(0, rendered.length() - 1));
        }
    }

    @Provide
    Arbitrary<List<Item>> conversations() {
        Arbitrary<List<Segment>> segments = Arbitraries.oneOf(
                        inputMessage(), assistantMessage(), callGroup(), reasoning())
                .list()
                .ofMaxSize(12);
        return segments.map(list -> {
            AtomicInteger callIds = new AtomicInteger();
            List<Item> items = new ArrayList<>();
            list.forEach(segment -> segment.addTo(items, callIds));
            return items;
        });
    }

    /** A piece of a conversation; call groups draw unique call ids while they are added. */
    interface Segment {
        void addTo(List<Item> items, AtomicInteger callIds);
    }

    private static Arbitrary<Segment> inputMessage() {
        return Combinators.combine(Arbitraries.of("user", "system", "developer"), texts())
                .as((role, texts) -> (items, ids) -> items.add(message(role, "input_text", texts)));
    }

    private static Arbitrary<Segment> assistantMessage() {
        return texts().map(texts -> (items, ids) -> items.add(message("assistant", "output_text", texts)));
    }

    private static Arbitrary<Segment> reasoning() {
        return text().map(summary -> (items, ids) -> {
            ObjectNode json =
                    ProtocolJson.nodes().objectNode().put("type", "reasoning").put("id", "rs_1");
            json.withArray("summary")
                    .add(ProtocolJson.nodes()
                            .objectNode()
                            .put("type", "summary_text")
                            .put("text", summary));
            items.add(Item.of(json));
        });
    }

    private static Arbitrary<Segment> callGroup() {
        Arbitrary<String> name =
                Arbitraries.strings().withChars("abcXYZ019_-").ofMinLength(1).ofMaxLength(64);
        Arbitrary<List<String[]>> calls = Combinators.combine(name, text(), output())
                .as((n, arguments, output) -> new String[] {n, arguments, output})
                .list()
                .ofMinSize(1)
                .ofMaxSize(3);
        return Combinators.combine(calls, Arbitraries.randoms(), Arbitraries.of(true, false))
                .as((group, random, arrays) -> (items, ids) -> {
                    List<String> callIds = new ArrayList<>();
                    for (String[] call : group) {
                        String callId = "call_" + ids.incrementAndGet();
                        callIds.add(callId);
                        items.add(FunctionCallItem.of("fc_" + callId, callId, call[0], call[1], "completed"));
                    }
                    List<Integer> order = new ArrayList<>(List.of(0, 1, 2).subList(0, group.size()));
                    java.util.Collections.shuffle(order, random);
                    for (int index : order) {
                        items.add(output(callIds.get(index), group.get(index)[2], arrays));
                    }
                });
    }

    private static Arbitrary<List<String>> texts() {
        return text().list().ofMinSize(1).ofMaxSize(3);
    }

    private static Arbitrary<String> text() {
        return Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(40),
                Arbitraries.strings().all().ofMaxLength(8),
                Arbitraries.of("", "{\"city\":\"Paris\"}", "naïve 👋 café", "line\nbreak"));
    }

    private static Arbitrary<String> output() {
        return text();
    }

    private static Item message(String role, String partType, List<String> texts) {
        ObjectNode json = ProtocolJson.nodes()
                .objectNode()
                .put("type", "message")
                .put("id", "msg_1")
                .put("role", role);
        ArrayNode content = json.withArray("content");
        texts.forEach(text -> content.add(
                ProtocolJson.nodes().objectNode().put("type", partType).put("text", text)));
        return Item.of(json);
    }

    private static Item output(String callId, String output, boolean asParts) {
        ObjectNode json = ProtocolJson.nodes()
                .objectNode()
                .put("type", "function_call_output")
                .put("call_id", callId);
        if (asParts) {
            json.withArray("output")
                    .add(ProtocolJson.nodes()
                            .objectNode()
                            .put("type", "input_text")
                            .put("text", output));
        } else {
            json.put("output", output);
        }
        return Item.of(json);
    }

    /** As an upstream receives it: serialized and parsed again. */
    private static JsonNode reparsed(ArrayNode messages) {
        return ProtocolJson.mapper().readTree(ProtocolJson.mapper().writeValueAsString(messages));
    }
}
