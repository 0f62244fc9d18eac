/**
 * The test kit shipped to users: in-memory fakes of every SPI and the contract suites that every implementation
 * passes.
 */
@NullMarked
@CheckReturnValue
package org.mlops4j.test;

import com.google.errorprone.annotations.CheckReturnValue;
import org.jspecify.annotations.NullMarked;
