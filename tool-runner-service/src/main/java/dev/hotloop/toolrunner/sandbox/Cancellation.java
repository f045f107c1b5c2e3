package dev.hotloop.toolrunner.sandbox;

import org.jspecify.annotations.Nullable;

/**
 * Cancels one execution from any thread: kills the process tree that is running, interrupts the thread that waits
 * on it, and makes every later {@link SandboxRunner#run} of the execution refuse to start.
 */
public final class Cancellation {

    private boolean cancelled;
    private @Nullable Runnable kill;
    private @Nullable Thread worker;

    /** Idempotent. */
    public synchronized void cancel() {
        if (cancelled) {
            return;
        }
        cancelled = true;
        if (kill != null) {
            kill.run();
        }
        if (worker != null) {
            worker.interrupt();
        }
    }

    public synchronized boolean isCancelled() {
        return cancelled;
    }

    /** The thread that runs the execution, interrupted on cancel; null once it no longer runs it. */
    public synchronized void worker(@Nullable Thread thread) {
        this.worker = thread;
    }

    /**
     * @param killRunning kills the process tree that now runs
     * @return false (and the tree is killed) when the execution was cancelled already
     */
    synchronized boolean attach(Runnable killRunning) {
        if (cancelled) {
            killRunning.run();
            return false;
        }
        kill = killRunning;
        return true;
    }

    synchronized void detach() {
        kill = null;
    }
}
