/** The internal HTTP JSON API that api-service's agent loop calls, with OpenAI-shaped errors. */
@NullMarked
package dev.hotloop.toolrunner.web;

import org.jspecify.annotations.NullMarked;
