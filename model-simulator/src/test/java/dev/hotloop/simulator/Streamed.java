package dev.hotloop.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hotloop.protocol.model.FinishReason;
import dev.hotloop.protocol.model.ModelEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

/** A model stream run to completion, checked to end with exactly one Finish, and read back as text and calls. */
public record Streamed(List<ModelEvent> events) {

    /** A function call as the deltas spell it. */
    public record Call(String callId, String name, String arguments) {}

    public static Streamed of(Flux<ModelEvent> stream) {
        List<ModelEvent> events = new ArrayList<>();
        StepVerifier.create(stream.doOnNext(events::add))
                .thenConsumeWhile(event -> true)
                .expectComplete()
                .verify(Duration.ofSeconds(5));
        assertThat(events).last().isInstanceOf(ModelEvent.Finish.class);
        assertThat(events).filteredOn(ModelEvent.Finish.class::isInstance).hasSize(1);
        return new Streamed(List.copyOf(events));
    }

    /** All text deltas, joined. */
    public String text() {
        return String.join("", textDeltas());
    }

    public List<Call> calls() {
        List<Call> calls = new ArrayList<>();
        for (ModelEvent event : events) {
            switch (event) {
                case ModelEvent.FunctionCallStart start -> calls.add(new Call(start.callId(), start.name(), ""));
                case ModelEvent.ArgumentsDelta delta -> {
                    Call open = calls.removeLast();
                    calls.add(new Call(open.callId(), open.name(), open.arguments() + delta.delta()));
                }
                default -> {}
            }
        }
        return calls;
    }

    public List<String> textDeltas() {
        return events.stream()
                .filter(ModelEvent.TextDelta.class::isInstance)
                .map(event -> ((ModelEvent.TextDelta) event).text())
                .toList();
    }

    public ModelEvent.Finish finish() {
        return (ModelEvent.Finish) events.getLast();
    }

    public FinishReason reason() {
        return finish().reason();
    }
}
