package dev.hotloop.api.loop;

import dev.hotloop.api.context.ContextItem;
import dev.hotloop.api.context.Conversation;
import dev.hotloop.api.mcp.McpTurn;
import dev.hotloop.api.metrics.TurnStages;
import dev.hotloop.api.session.ConversationRecord;
import dev.hotloop.api.tokens.TokenCounter;
import dev.hotloop.protocol.model.ModelProvider;
import dev.hotloop.protocol.request.CreateRequest;
import dev.hotloop.protocol.response.Response;
import dev.hotloop.protocol.tool.FunctionTool;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A validated turn ready to run: everything a response needs before its first event.
 *
 * @param input       its new input items with their token counts (deferred when short: {@link TokenCounter#count})
 * @param context     the conversation it continues followed by its input, calls all answered
 * @param conversation the stored conversation it appends to when it completes, at the version it read; or null
 * @param preambleTokens tokens of the instructions and tool definitions; with the context's window, the input's
 *                    ({@link TurnEngine#inputTokens})
 * @param stages      the turn's measurement, stage by stage
 * @param configured  the tool-runner functions its {@code hotloop_tool} entries name, offered to the model and run
 *                    on the server
 * @param mcp         the MCP servers hotloop hosts for it ({@link McpTurn#NONE} when none)
 */
public record Turn(
        TurnOrigin origin,
        CreateRequest request,
        Response response,
        ModelProvider provider,
        List<ContextItem> input,
        Conversation context,
        @Nullable ConversationRecord conversation,
        int preambleTokens,
        TurnStages stages,
        List<FunctionTool> configured,
        McpTurn mcp) {

    public String tenant() {
        return origin.tenant();
    }
}
