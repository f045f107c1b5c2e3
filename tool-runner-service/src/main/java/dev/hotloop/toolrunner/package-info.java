/** tool-runner-service: executes hosted tool calls (the shell, configured argv tools) in a bubblewrap sandbox per tenant chain. */
package dev.hotloop.toolrunner;
