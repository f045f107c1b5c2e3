/** The per tenant and chain working directories on the host, their validated ids, and their removal after a TTL. */
package dev.hotloop.toolrunner.workspace;
