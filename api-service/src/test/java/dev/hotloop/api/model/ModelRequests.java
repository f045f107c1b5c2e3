package dev.hotloop.api.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hotloop.protocol.json.ProtocolJson;
import dev.hotloop.protocol.model.ModelEvent;
import dev.hotloop.protocol.model.ModelRequest;
import dev.hotloop.protocol.request.CreateRequest;
import dev.hotloop.protocol.request.CreateRequestReader;
import dev.hotloop.protocol.request.InputReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

/** Model requests written as the create body a client sends, and streams read back. */
public final class ModelRequests {

    public static final String WEATHER = """
            {"type":"function","name":"get_weather","parameters":{"type":"object",
             "properties":{"city":{"type":"string"}},"required":["city"]}}""";

    private ModelRequests() {}

    /** The request of a create body whose {@code input} is the whole context. */
    public static ModelRequest request(String createBody) {
        CreateRequest create = CreateRequestReader.read(createBody.getBytes());
        return new ModelRequest(
                create.model() == null ? "m" : create.model(),
                create.instructions(),
                create.input(),
                create.tools(),
                create.toolChoice(),
                create.parallelToolCalls(),
                create.maxOutputTokens(),
                create.temperature(),
                create.topP(),
                create.promptCacheKey());
    }

    /** The same request with more context items appended. */
    public static ModelRequest followUp(ModelRequest previous, String itemsJson) {
        List<dev.hotloop.protocol.item.Item> context = new ArrayList<>(previous.context());
        context.addAll(InputReader.read(ProtocolJson.mapper().readTree(itemsJson)));
        return new ModelRequest(
                previous.model(),
                previous.instructions(),
                context,
                previous.tools(),
                previous.toolChoice(),
                previous.parallelToolCalls(),
                previous.maxOutputTokens(),
                previous.temperature(),
                previous.topP(),
                previous.promptCacheKey());
    }

    /** All events of a stream that must complete, checked to end with exactly one finish. */
    public static List<ModelEvent> events(Flux<ModelEvent> stream) {
        List<ModelEvent> events = new ArrayList<>();
        StepVerifier.create(stream.doOnNext(events::add))
                .thenConsumeWhile(event -> true)
                .expectComplete()
                .verify(Duration.ofSeconds(15));
        assertThat(events).last().isInstanceOf(ModelEvent.Finish.class);
        assertThat(events).filteredOn(ModelEvent.Finish.class::isInstance).hasSize(1);
        return events;
    }

    public static String text(List<ModelEvent> events) {
        StringBuilder text = new StringBuilder();
        events.stream()
                .filter(ModelEvent.TextDelta.class::isInstance)
                .forEach(event -> text.append(((ModelEvent.TextDelta) event).text()));
        return text.toString();
    }

    /** Each call as "name(arguments)", with its id. */
    public record Call(String callId, String name, String arguments) {}

    public static List<Call> calls(List<ModelEvent> events) {
        List<Call> calls = new ArrayList<>();
        for (ModelEvent event : events) {
            if (event instanceof ModelEvent.FunctionCallStart start) {
                calls.add(new Call(start.callId(), start.name(), ""));
            } else if (event instanceof ModelEvent.ArgumentsDelta delta) {
                Call open = calls.removeLast();
                calls.add(new Call(open.callId(), open.name(), open.arguments() + delta.delta()));
            }
        }
        return calls;
    }

    public static ModelEvent.Finish finish(List<ModelEvent> events) {
        return (ModelEvent.Finish) events.getLast();
    }
}
