package dev.hotloop.protocol.item;

import java.util.Set;

/** The item, content-part and tool types of the Responses API schema; anything else is a 400. */
public final class ItemTypes {

    public static final Set<String> ITEMS = Set.of(
            "message",
            "function_call",
            "function_call_output",
            "reasoning",
            "custom_tool_call",
            "custom_tool_call_output",
            "file_search_call",
            "web_search_call",
            "computer_call",
            "computer_call_output",
            "image_generation_call",
            "code_interpreter_call",
            "local_shell_call",
            "local_shell_call_output",
            "shell_call",
            "shell_call_output",
            "apply_patch_call",
            "apply_patch_call_output",
            "mcp_list_tools",
            "mcp_approval_request",
            "mcp_approval_response",
            "mcp_call",
            "item_reference",
            "compaction",
            "compaction_trigger",
            "tool_search_call",
            "tool_search_output",
            "additional_tools",
            "configuration_update",
            "program",
            "program_output");

    /** Item types that only a model (or a hosted tool acting for it) produces. */
    static final Set<String> MODEL_PRODUCED = Set.of(
            "reasoning",
            "custom_tool_call",
            "file_search_call",
            "web_search_call",
            "computer_call",
            "image_generation_call",
            "code_interpreter_call",
            "local_shell_call",
            "shell_call",
            "apply_patch_call",
            "mcp_list_tools",
            "mcp_approval_request",
            "mcp_call",
            "tool_search_call",
            "compaction");

    public static final Set<String> CONTENT_PARTS = Set.of(
            "input_text",
            "input_image",
            "input_file",
            "input_audio",
            "output_text",
            "refusal",
            "summary_text",
            "reasoning_text",
            "text");

    public static final Set<String> ROLES = Set.of("user", "assistant", "system", "developer");

    public static final Set<String> TOOLS = Set.of(
            "function",
            "file_search",
            "web_search",
            "web_search_preview",
            "web_search_preview_2025_03_11",
            "web_search_2025_08_26",
            "computer_use_preview",
            "computer",
            "code_interpreter",
            "image_generation",
            "local_shell",
            "shell",
            "custom",
            "apply_patch",
            "mcp",
            "namespace",
            "tool_search",
            // extension: a tool configured in hotloop's tool-runner, offered by name
            "hotloop_tool");

    private ItemTypes() {}
}
