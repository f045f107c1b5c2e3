/** Model providers behind the engine, chosen per request by the routes in configuration. */
@NullMarked
package dev.hotloop.api.model;

import org.jspecify.annotations.NullMarked;
