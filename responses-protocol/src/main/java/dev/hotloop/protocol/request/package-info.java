/** Reading create requests into validated values, with OpenAI-worded errors naming the field. */
@NullMarked
package dev.hotloop.protocol.request;

import org.jspecify.annotations.NullMarked;
