/** The api-service's configuration properties, one record per prefix. */
@NullMarked
package dev.hotloop.api.config;

import org.jspecify.annotations.NullMarked;
