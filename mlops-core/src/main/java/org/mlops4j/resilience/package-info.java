/**
 * The one retry policy of the library ({@link org.mlops4j.resilience.RetryPolicy}): Resilience4j's retry around its
 * circuit breaker, for idempotent calls and transient failures only, honouring {@code Retry-After}. Every remote
 * adapter uses it; nothing else retries.
 */
@NullMarked
@CheckReturnValue
package org.mlops4j.resilience;

import com.google.errorprone.annotations.CheckReturnValue;
import org.jspecify.annotations.NullMarked;
