/**
 * The vocabulary every module shares: the exception tree ({@link org.mlops4j.common.MlopsException} and its
 * subtypes), paged listings ({@link org.mlops4j.common.Paged}) and progress reporting
 * ({@link org.mlops4j.common.ProgressListener}). A leaf: it depends on no other package of the library.
 */
@NullMarked
@CheckReturnValue
package org.mlops4j.common;

import com.google.errorprone.annotations.CheckReturnValue;
import org.jspecify.annotations.NullMarked;
