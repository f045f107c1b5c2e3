/** The Redis layout of response chains and the scripts that read and write it in one round trip each. */
@NullMarked
package dev.hotloop.session.store;

import org.jspecify.annotations.NullMarked;
