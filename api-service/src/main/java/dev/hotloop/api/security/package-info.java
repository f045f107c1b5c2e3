/** API keys and the tenant each one names. */
@NullMarked
package dev.hotloop.api.security;

import org.jspecify.annotations.NullMarked;
