/** The Response object and its usage. */
@NullMarked
package dev.hotloop.protocol.response;

import org.jspecify.annotations.NullMarked;
