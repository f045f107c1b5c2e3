/** The hosted tools this deployment offers: the built-in shell and the argv-template tools from configuration, with argument validation. */
package dev.hotloop.toolrunner.registry;
