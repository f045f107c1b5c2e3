/** Fixtures shared by the test suites of several modules. */
@NullMarked
package dev.hotloop.testsupport;

import org.jspecify.annotations.NullMarked;
