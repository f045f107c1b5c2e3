/** What the clients of api-service's dependencies share: how they are built, routed over replicas and guarded. */
package dev.hotloop.api.remote;
