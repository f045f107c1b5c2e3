package dev.hotloop.simulator.reply;

import dev.hotloop.protocol.item.FunctionCallItem;
import dev.hotloop.protocol.item.FunctionCallOutputItem;
import dev.hotloop.protocol.item.Item;
import dev.hotloop.protocol.item.MessageItem;
import dev.hotloop.protocol.model.Compaction;
import java.util.List;

/**
 * The simulator's deterministic answer to a compaction request: one line per earlier summary, user message,
 * tool call with its result, and the last assistant answer, each quoted up to {@link ReplyPlanner#QUOTE_LIMIT}.
 */
final class Summarizer {

    private Summarizer() {}

    static String summarize(List<Item> context) {
        StringBuilder summary = new StringBuilder("Summary of " + context.size() + " items.");
        String lastAnswer = null;
        for (Item item : context) {
            switch (item) {
                case MessageItem message when "assistant".equals(message.role()) -> lastAnswer = message.text();
                case MessageItem message when "user".equals(message.role()) -> line(summary, "User: ", message.text());
                case MessageItem other -> {
                    // system and developer messages are the client's to resend
                }
                case FunctionCallItem call -> line(summary, "Called " + call.name() + ": ", call.arguments());
                case FunctionCallOutputItem output -> line(summary, "Result: ", output.outputText());
                default -> Compaction.summaryOf(item).ifPresent(earlier -> line(summary, "Earlier: ", earlier));
            }
        }
        if (lastAnswer != null) {
            line(summary, "Last answer: ", lastAnswer);
        }
        return summary.toString();
    }

    private static void line(StringBuilder summary, String label, String text) {
        summary.append('\n').append(label).append(ReplyPlanner.quoted(text));
    }
}
