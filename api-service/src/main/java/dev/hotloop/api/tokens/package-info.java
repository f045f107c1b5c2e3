/** Token counting with the o200k_base tokenizer. */
@NullMarked
package dev.hotloop.api.tokens;

import org.jspecify.annotations.NullMarked;
