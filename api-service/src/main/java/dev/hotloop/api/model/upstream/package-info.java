/** What every upstream provider shares: its HTTP client, failure classification, retry-after and cache keys. */
package dev.hotloop.api.model.upstream;
