package dev.hotloop.api.loop;

import static org.assertj.core.api.Assertions.assertThat;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.EncodingType;
import dev.hotloop.api.TestApiProperties;
import dev.hotloop.api.config.ApiProperties;
import dev.hotloop.api.context.ContextSource;
import dev.hotloop.api.context.Conversation;
import dev.hotloop.api.context.StoredConversations;
import dev.hotloop.api.mcp.McpHost;
import dev.hotloop.api.metrics.TurnMetrics;
import dev.hotloop.api.model.ModelCatalog;
import dev.hotloop.api.session.SessionClient;
import dev.hotloop.api.tokens.TokenCounter;
import dev.hotloop.protocol.error.ApiException;
import dev.hotloop.protocol.event.ResponseEvent;
import dev.hotloop.protocol.json.ProtocolJson;
import dev.hotloop.protocol.model.FinishReason;
import dev.hotloop.protocol.model.ModelEvent;
import dev.hotloop.protocol.model.ModelProvider;
import dev.hotloop.protocol.request.CreateRequest;
import dev.hotloop.protocol.request.CreateRequestReader;
import dev.hotloop.protocol.response.Response;
import dev.hotloop.testsupport.WireSpecs;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.retry.Retry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

/** The engine's event stream against scripted models, without a network except for the failing store. */
class TurnEngineTest {

    private static final TokenCounter TOKENS = new TokenCounter(
            Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.O200K_BASE),
            new ApiProperties.Tokenizer(1, 16, DataSize.ofMegabytes(1), DataSize.ofMegabytes(1)),
            new SimpleMeterRegistry());
    private static final ContextSource NEW_CONVERSATION = (tenant, request, trace) -> Mono.just(Conversation.EMPTY);

    private static TurnEngine engine(ModelProvider model) {
        SessionClient unreachable = new SessionClient(
                WebClient.create("http://127.0.0.1:" + closedPort()),
                CircuitBreaker.ofDefaults("test"),
                Retry.ofDefaults("test"));
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        return new TurnEngine(
                new ModelCatalog("m", Map.of("m", model), null),
                unreachable,
                new StoredConversations(unreachable, DataSize.ofMegabytes(1), meters),
                null,
                McpHost.of(TestApiProperties.bind(Map.of()).mcp()),
                TOKENS,
                Clock.systemUTC(),
                meters,
                new TurnMetrics(meters, ObservationRegistry.NOOP));
    }

    private static CreateRequest request(String json) {
        return CreateRequestReader.read(json.getBytes());
    }

    @Test
    void textThenCallYieldsOrderedEventsAndBothItems() {
        ModelProvider model = request -> Flux.just(
                new ModelEvent.TextDelta("Hel"),
                new ModelEvent.TextDelta("lo"),
                new ModelEvent.FunctionCallStart("call_1", "f"),
                new ModelEvent.ArgumentsDelta("{}"),
                new ModelEvent.Finish(FinishReason.STOP, null));
        TurnEngine engine = engine(model);

        Flux<String> types = engine.prepare(
                        TurnOrigin.now("t", TurnOrigin.Transport.HTTP),
                        request("{\"model\":\"m\",\"input\":\"hi\",\"store\":false}"),
                        NEW_CONVERSATION)
                .flatMapMany(turn -> engine.run(turn, TurnListener.NONE))
                .doOnNext(event -> {
                    if (event.terminal()) {
                        Response response = ((ResponseEvent.Lifecycle) event).response();
                        assertThat(response.output()).hasSize(2);
                        assertThat(response.status()).isEqualTo(Response.COMPLETED);
                        assertThat(response.usage().outputTokens()).isPositive();
                    }
                })
                .map(ResponseEvent::type);

        StepVerifier.create(types)
                .expectNext(
                        "response.created",
                        "response.in_progress",
                        "response.output_item.added",
                        "response.content_part.added",
                        "response.output_text.delta",
                        "response.output_text.delta",
                        "response.output_text.done",
                        "response.content_part.done",
                        "response.output_item.done",
                        "response.output_item.added",
                        "response.function_call_arguments.delta",
                        "response.function_call_arguments.done",
                        "response.output_item.done",
                        "response.completed")
                .verifyComplete();
    }

    @Test
    void lengthFinishMakesTheResponseIncomplete() {
        TurnEngine engine = engine(request -> Flux.just(
                new ModelEvent.TextDelta("cut"),
                new ModelEvent.Finish(FinishReason.LENGTH, new ModelEvent.ModelUsage(1, 0, 16))));

        StepVerifier.create(engine.prepare(
                                TurnOrigin.now("t", TurnOrigin.Transport.HTTP),
                                request("{\"model\":\"m\",\"input\":\"hi\",\"store\":false}"),
                                NEW_CONVERSATION)
                        .flatMapMany(turn -> engine.run(turn, TurnListener.NONE))
                        .filter(ResponseEvent::terminal))
                .assertNext(event -> {
                    Response response = ((ResponseEvent.Lifecycle) event).response();
                    assertThat(event.type()).isEqualTo("response.incomplete");
                    assertThat(response.incompleteDetails().reason()).isEqualTo("max_output_tokens");
                    assertThat(response.output()
                                    .getFirst()
                                    .json()
                                    .path("status")
                                    .asString())
                            .isEqualTo("incomplete");
                    assertThat(response.usage().outputTokens()).isEqualTo(16);
                })
                .verifyComplete();
    }

    @Test
    void modelFailureEndsWithResponseFailedNotAnError() {
        TurnEngine engine = engine(request -> Flux.concat(
                Flux.just(new ModelEvent.TextDelta("par")), Flux.error(new IllegalStateException("upstream broke"))));

        StepVerifier.create(engine.prepare(
                                TurnOrigin.now("t", TurnOrigin.Transport.HTTP),
                                request("{\"model\":\"m\",\"input\":\"hi\",\"store\":false}"),
                                NEW_CONVERSATION)
                        .flatMapMany(turn -> engine.run(turn, TurnListener.NONE))
                        .last())
                .assertNext(event -> {
                    assertThat(event.type()).isEqualTo("response.failed");
                    Response response = ((ResponseEvent.Lifecycle) event).response();
                    assertThat(response.error().code()).isEqualTo("server_error");
                    assertThat(response.error().message()).doesNotContain("upstream broke");
                })
                .verifyComplete();
    }

    @Test
    void aFailedTurnsEventsConformToThePublishedSpecifications() {
        TurnEngine engine = engine(request -> Flux.concat(
                Flux.just(new ModelEvent.TextDelta("par")), Flux.error(new IllegalStateException("upstream broke"))));

        StepVerifier.create(engine.prepare(
                                TurnOrigin.now("t", TurnOrigin.Transport.HTTP),
                                request("{\"model\":\"m\",\"input\":\"hi\",\"store\":false}"),
                                NEW_CONVERSATION)
                        .flatMapMany(turn -> engine.run(turn, TurnListener.NONE))
                        .collectList())
                .assertNext(events -> {
                    assertThat(events.getLast().type()).isEqualTo("response.failed");
                    events.forEach(event ->
                            WireSpecs.get().checkEvent(ProtocolJson.mapper().valueToTree(event)));
                })
                .expectComplete()
                .verify(Duration.ofSeconds(10));
    }

    @Test
    void unreachableStoreFailsTheStoredResponseInsteadOfClaimingCompletion() {
        TurnEngine engine = engine(
                request -> Flux.just(new ModelEvent.TextDelta("ok"), new ModelEvent.Finish(FinishReason.STOP, null)));
        AtomicReference<ApiException> cause = new AtomicReference<>();
        TurnListener listener = new TurnListener() {
            @Override
            public void failed(Turn turn, ApiException failure) {
                cause.set(failure);
            }
        };

        StepVerifier.create(engine.prepare(
                                TurnOrigin.now("t", TurnOrigin.Transport.HTTP),
                                request("{\"model\":\"m\",\"input\":\"hi\"}"),
                                NEW_CONVERSATION)
                        .flatMapMany(turn -> engine.run(turn, listener))
                        .last())
                .assertNext(event -> {
                    assertThat(event.type()).isEqualTo("response.failed");
                    // a code the SDKs know; the listener still learns it was the store
                    assertThat(((ResponseEvent.Lifecycle) event)
                                    .response()
                                    .error()
                                    .code())
                            .isEqualTo("server_error");
                })
                .expectComplete()
                .verify(Duration.ofSeconds(10));
        assertThat(cause.get().status()).isEqualTo(503);
        assertThat(cause.get().error().code()).isEqualTo("session_store_unavailable");
    }

    @Test
    void cancellingTheStreamCancelsTheModel() {
        AtomicBoolean cancelled = new AtomicBoolean();
        Sinks.Many<ModelEvent> tokens = Sinks.many().unicast().onBackpressureBuffer();
        TurnEngine engine = engine(request -> tokens.asFlux().doOnCancel(() -> cancelled.set(true)));

        StepVerifier.create(engine.prepare(
                                TurnOrigin.now("t", TurnOrigin.Transport.HTTP),
                                request("{\"model\":\"m\",\"input\":\"hi\",\"store\":false}"),
                                NEW_CONVERSATION)
                        .flatMapMany(turn -> engine.run(turn, TurnListener.NONE))
                        .map(ResponseEvent::type))
                .expectNext("response.created", "response.in_progress")
                .then(() -> tokens.tryEmitNext(new ModelEvent.TextDelta("a")))
                .expectNext("response.output_item.added", "response.content_part.added", "response.output_text.delta")
                .thenCancel()
                .verify(Duration.ofSeconds(5));
        assertThat(cancelled).isTrue();
    }

    @Test
    void warmUpSamplesNothingAndStillCompletes() {
        AtomicBoolean sampled = new AtomicBoolean();
        TurnEngine engine = engine(request -> Flux.<ModelEvent>empty().doOnSubscribe(s -> sampled.set(true)));

        StepVerifier.create(engine.prepare(
                                TurnOrigin.now("t", TurnOrigin.Transport.HTTP),
                                request("{\"model\":\"m\",\"input\":\"hi\",\"store\":false,\"generate\":false}"),
                                NEW_CONVERSATION)
                        .flatMapMany(turn -> engine.run(turn, TurnListener.NONE))
                        .map(ResponseEvent::type))
                .expectNext("response.created", "response.in_progress", "response.completed")
                .verifyComplete();
        assertThat(sampled).isFalse();
    }

    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
