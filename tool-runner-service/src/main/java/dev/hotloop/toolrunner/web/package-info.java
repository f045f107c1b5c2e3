/** The internal HTTP JSON API that api-service's agent loop calls, with OpenAI-shaped errors. */
package dev.hotloop.toolrunner.web;
