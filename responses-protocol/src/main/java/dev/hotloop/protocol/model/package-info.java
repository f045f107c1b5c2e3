/** The contract between the engine and model providers: requests and the events a model streams. */
@NullMarked
package dev.hotloop.protocol.model;

import org.jspecify.annotations.NullMarked;
