/** Starts a private, throwaway Redis on a free loopback port for local runs and tests. */
package dev.hotloop.localredis;
