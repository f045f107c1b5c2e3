package dev.hotloop.toolrunner.execution;

import dev.hotloop.protocol.error.ApiException;
import dev.hotloop.protocol.error.ErrorCodes;
import dev.hotloop.toolrunner.sandbox.Cancellation;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * Admission and threads for blocking executions. At most {@code maxConcurrent} run at once, each on its own virtual
 * thread (never on the event loop); up to {@code maxQueued} more wait for a slot; beyond that a call fails at once
 * with 503 {@code tool_runner_overloaded}. Cancelling the returned {@link Mono} cancels the execution: a queued one
 * leaves the queue, a running one has its process tree killed. Its slot is freed only once the work has returned,
 * i.e. once its processes are gone, and before the result is emitted.
 */
public final class ExecutionGate implements AutoCloseable {

    private final int maxConcurrent;
    private final int capacity;
    private final Semaphore running;
    private final Semaphore admitted;
    private final ExecutorService threads = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("tool-execution-", 0).factory());
    private final Set<Cancellation> inFlight = ConcurrentHashMap.newKeySet();

    public ExecutionGate(int maxConcurrent, int maxQueued) {
        this.maxConcurrent = maxConcurrent;
        this.capacity = maxConcurrent + maxQueued;
        this.running = new Semaphore(maxConcurrent, true);
        this.admitted = new Semaphore(capacity);
    }

    /**
     * Runs blocking {@code work} once a slot is free.
     *
     * @return the work's result; an error with the work's exception, or 503 {@code tool_runner_overloaded} when
     *         all slots and the queue are taken; cancel stops the work through its {@link Cancellation}
     */
    public <T> Mono<T> submit(Function<Cancellation, T> work) {
        return Mono.create(sink -> {
            if (!admitted.tryAcquire()) {
                sink.error(ApiException.unavailable(
                        ErrorCodes.TOOL_RUNNER_OVERLOADED,
                        "All " + maxConcurrent
                                + " tool execution slots and the " + (capacity - maxConcurrent)
                                + " queue places are taken; retry shortly."));
                return;
            }
            Cancellation cancellation = new Cancellation();
            inFlight.add(cancellation);
            sink.onCancel(cancellation::cancel);
            try {
                threads.execute(() -> run(work, cancellation, sink));
            } catch (RejectedExecutionException e) {
                inFlight.remove(cancellation);
                admitted.release();
                sink.error(ApiException.unavailable(
                        ErrorCodes.TOOL_RUNNER_SHUTTING_DOWN, "The tool runner is shutting down."));
            }
        });
    }

    private <T> void run(Function<Cancellation, T> work, Cancellation cancellation, MonoSink<T> sink) {
        cancellation.worker(Thread.currentThread());
        T result = null;
        Throwable failure = null;
        boolean slot = false;
        try {
            running.acquire();
            slot = true;
            if (cancellation.isCancelled()) {
                throw new CancellationException();
            }
            result = work.apply(cancellation);
        } catch (InterruptedException | CancellationException e) {
            failure = new CancellationException("The execution was cancelled.");
        } catch (Throwable e) {
            failure = e;
        } finally {
            cancellation.worker(null);
            Thread.interrupted(); // a late cancel must not leak into the next use of this thread
            if (slot) {
                running.release();
            }
            admitted.release();
            inFlight.remove(cancellation);
        }
        if (cancellation.isCancelled()) {
            return; // nobody listens any more
        }
        if (failure != null) {
            sink.error(failure);
        } else {
            sink.success(result);
        }
    }

    /** Executions running now. */
    public int active() {
        return maxConcurrent - running.availablePermits();
    }

    /** Executions waiting for a slot now. */
    public int queued() {
        return Math.max(0, capacity - admitted.availablePermits() - active());
    }

    /** Cancels everything in flight (killing their processes) and waits briefly for the threads to finish. */
    @Override
    public void close() {
        inFlight.forEach(Cancellation::cancel);
        threads.shutdown();
        try {
            threads.awaitTermination(Duration.ofSeconds(10).toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
