package dev.hotloop.toolrunner.web;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * The body of {@code POST …/executions}.
 *
 * @param tool      {@code shell}, or the name of a configured tool
 * @param callId    the model's {@code call_id}, echoed in the result
 * @param arguments for the shell, the {@code shell_call}'s {@code action}; for a configured tool, its arguments as an
 *                  object or as the JSON string a {@code function_call} carries
 */
record ExecutionRequest(
        @Nullable String tool,
        @JsonProperty("call_id") @Nullable String callId,
        @Nullable JsonNode arguments) {}
