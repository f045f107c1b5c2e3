package dev.hotloop.benchmarks.rollout;

/** One turn as the client saw it: request sent to last byte of the response, and the payload bytes each way. */
record Turn(long latencyNanos, long sentBytes, long receivedBytes) {}
