/** The hosted {@code mcp} tool: remote MCP servers' tools offered to the model and called inside a response. */
@NullMarked
package dev.hotloop.api.mcp;

import org.jspecify.annotations.NullMarked;
