/** The hosted tools this deployment offers: the built-in shell and the argv-template tools from configuration, with argument validation. */
@NullMarked
package dev.hotloop.toolrunner.registry;

import org.jspecify.annotations.NullMarked;
