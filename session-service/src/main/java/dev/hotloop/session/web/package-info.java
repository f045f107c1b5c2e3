/** The internal HTTP JSON API that api-service calls, with OpenAI-shaped errors. */
package dev.hotloop.session.web;
