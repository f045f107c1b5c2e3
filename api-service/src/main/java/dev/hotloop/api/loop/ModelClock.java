package dev.hotloop.api.loop;

/** Time a turn spent waiting on its model: from subscribing to the model's stream to its completion. */
final class ModelClock {

    private long startedNanos;
    private long elapsedNanos;

    void start() {
        startedNanos = System.nanoTime();
    }

    void stop() {
        if (startedNanos != 0) {
            elapsedNanos += System.nanoTime() - startedNanos;
            startedNanos = 0;
        }
    }

    long elapsedNanos() {
        stop();
        return elapsedNanos;
    }
}
