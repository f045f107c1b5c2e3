/** What every upstream provider shares: its HTTP client, failure classification, retry-after and cache keys. */
@NullMarked
package dev.hotloop.api.model.upstream;

import org.jspecify.annotations.NullMarked;
