/** Fixtures shared by the test suites of several modules. */
package dev.hotloop.testsupport;
