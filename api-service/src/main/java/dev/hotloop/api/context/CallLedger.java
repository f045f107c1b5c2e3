package dev.hotloop.api.context;

import dev.hotloop.protocol.error.ApiException;
import dev.hotloop.protocol.item.FunctionCallItem;
import dev.hotloop.protocol.item.FunctionCallOutputItem;
import dev.hotloop.protocol.item.Item;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The function calls of a conversation: which call ids exist and which still wait for their output.
 * OpenAI's rules, enforced on every request: an output answers an earlier call, and no call is left
 * without its output when the model samples again.
 */
public record CallLedger(Set<String> calls, Set<String> unanswered) {

    public static final CallLedger EMPTY = new CallLedger(Set.of(), Set.of());

    /** The ledger of trusted, stored items. */
    public static CallLedger of(List<ContextItem> items) {
        Set<String> calls = new HashSet<>();
        Set<String> open = new LinkedHashSet<>();
        for (ContextItem entry : items) {
            record(entry.item(), calls, open);
        }
        return new CallLedger(Set.copyOf(calls), open);
    }

    /** The ledger after the model's output {@code items} (calls it made stay open until answered). */
    public CallLedger withOutput(List<ContextItem> items) {
        Set<String> newCalls = new HashSet<>(calls);
        Set<String> open = new LinkedHashSet<>(unanswered);
        for (ContextItem entry : items) {
            record(entry.item(), newCalls, open);
        }
        return new CallLedger(newCalls, open);
    }

    /**
     * The ledger after a request's new {@code input}, checked: fails with a 400 naming the offending
     * item when an output answers no known call, or when a call is still unanswered afterwards.
     */
    public CallLedger withInput(List<ContextItem> input) {
        Set<String> newCalls = new HashSet<>(calls);
        Set<String> open = new LinkedHashSet<>(unanswered);
        for (int i = 0; i < input.size(); i++) {
            Item item = input.get(i).item();
            if (item instanceof FunctionCallOutputItem output && !newCalls.contains(output.callId())) {
                throw ApiException.invalidRequest(
                        "input[" + i + "].call_id",
                        "No tool call found for function call output with call_id " + output.callId() + ".");
            }
            record(item, newCalls, open);
        }
        if (!open.isEmpty()) {
            throw ApiException.invalidRequest(
                    "input",
                    "No tool output found for function call " + open.iterator().next() + ".");
        }
        return new CallLedger(newCalls, open);
    }

    private static void record(Item item, Set<String> calls, Set<String> open) {
        switch (item) {
            case FunctionCallItem call -> {
                calls.add(call.callId());
                open.add(call.callId());
            }
            case FunctionCallOutputItem output -> open.remove(output.callId());
            default -> {}
        }
    }
}
