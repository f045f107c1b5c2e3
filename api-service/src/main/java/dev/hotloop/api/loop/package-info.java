/** The turn engine every transport drives: context, model, hosted tools, persist, events. */
@NullMarked
package dev.hotloop.api.loop;

import org.jspecify.annotations.NullMarked;
