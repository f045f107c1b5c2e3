package dev.hotloop.api.loop;

import dev.hotloop.api.context.CallLedger;
import dev.hotloop.api.context.ContextItem;
import dev.hotloop.protocol.model.ModelProvider;
import dev.hotloop.protocol.request.CreateRequest;
import dev.hotloop.protocol.response.Response;
import java.util.List;

/**
 * A validated turn ready to run: everything a response needs before its first event.
 *
 * @param history     the stored context it continues (empty for a new conversation)
 * @param input       its new input items, token-counted
 * @param ledger      function calls of history plus input, all answered
 * @param inputTokens tokens of the whole rendered input (preamble, history and input)
 */
public record Turn(String tenant, CreateRequest request, Response response, ModelProvider provider,
                   List<ContextItem> history, List<ContextItem> input, CallLedger ledger, int inputTokens) {
}
