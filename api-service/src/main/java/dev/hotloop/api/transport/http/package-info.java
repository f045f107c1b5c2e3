/** POST, GET and DELETE of responses over HTTP, as JSON or server-sent events. */
@NullMarked
package dev.hotloop.api.transport.http;

import org.jspecify.annotations.NullMarked;
