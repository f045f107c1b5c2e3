package dev.hotloop.benchmarks.rollout;

import java.time.Duration;

/**
 * One rollout: a task on top of {@code historyTokens} of earlier conversation, then {@code turns} model turns, each
 * (but the first) answering the previous function call with a tool output of about {@code toolOutputTokens} tokens
 * after {@code toolTime} (not counted in the turn).
 */
record RolloutSpec(int historyTokens, int turns, int toolOutputTokens, Duration toolTime) {}
