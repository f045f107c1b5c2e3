package dev.hotloop.toolrunner.execution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hotloop.protocol.error.ApiException;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

class ExecutionGateTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final ExecutionGate gate = new ExecutionGate(1, 1);
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void close() {
        release.countDown();
        gate.close();
    }

    @Test
    void emitsTheWorksResultOffTheSubscribingThread() {
        Thread subscriber = Thread.currentThread();

        StepVerifier.create(gate.submit(cancellation -> Thread.currentThread()))
                .assertNext(worker -> assertThat(worker).isNotSameAs(subscriber).matches(Thread::isVirtual))
                .expectComplete()
                .verify(TIMEOUT);
        assertThat(gate.active()).isZero();
    }

    @Test
    void emitsTheWorksFailure() {
        StepVerifier.create(gate.submit(cancellation -> {
                    throw new IllegalStateException("broken");
                }))
                .expectErrorMessage("broken")
                .verify(TIMEOUT);
        assertThat(gate.active()).isZero();
    }

    @Test
    void refusesWhenTheSlotAndTheQueueAreTaken() {
        Mono<String> blocking = gate.submit(cancellation -> awaitRelease());
        var running = blocking.subscribe();
        var queued = blocking.subscribe();
        await().atMost(TIMEOUT).until(() -> gate.active() == 1 && gate.queued() == 1);

        StepVerifier.create(gate.submit(cancellation -> "third"))
                .expectErrorSatisfies(error -> {
                    assertThat(error).isInstanceOf(ApiException.class);
                    assertThat(((ApiException) error).status()).isEqualTo(503);
                    assertThat(((ApiException) error).error().code()).isEqualTo("tool_runner_overloaded");
                })
                .verify(TIMEOUT);
        running.dispose();
        queued.dispose();
    }

    @Test
    void cancelStopsTheRunningWorkAndFreesItsSlot() {
        AtomicBoolean cancelled = new AtomicBoolean();

        StepVerifier.create(gate.submit(cancellation -> {
                    try {
                        return awaitRelease();
                    } finally {
                        cancelled.set(cancellation.isCancelled());
                    }
                }))
                .then(() -> await().atMost(TIMEOUT).until(() -> gate.active() == 1))
                .thenCancel()
                .verify(TIMEOUT);

        await().atMost(TIMEOUT).until(() -> gate.active() == 0);
        assertThat(cancelled).isTrue();
        StepVerifier.create(gate.submit(cancellation -> "next"))
                .expectNext("next")
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void cancelWhileQueuedLeavesTheQueueWithoutRunning() {
        var running = gate.submit(cancellation -> awaitRelease()).subscribe();
        await().atMost(TIMEOUT).until(() -> gate.active() == 1);
        AtomicBoolean ran = new AtomicBoolean();

        StepVerifier.create(gate.submit(cancellation -> ran.getAndSet(true)))
                .then(() -> await().atMost(TIMEOUT).until(() -> gate.queued() == 1))
                .thenCancel()
                .verify(TIMEOUT);

        await().atMost(TIMEOUT).until(() -> gate.queued() == 0);
        running.dispose();
        await().atMost(TIMEOUT).until(() -> gate.active() == 0);
        assertThat(ran).isFalse();
    }

    /** Blocks like a running process until released or interrupted by a cancel. */
    private String awaitRelease() {
        try {
            release.await();
            return "released";
        } catch (InterruptedException e) {
            throw new CancellationException();
        }
    }
}
