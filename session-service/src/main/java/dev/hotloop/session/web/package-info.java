/** The internal HTTP JSON API that api-service calls, with OpenAI-shaped errors. */
@NullMarked
package dev.hotloop.session.web;

import org.jspecify.annotations.NullMarked;
