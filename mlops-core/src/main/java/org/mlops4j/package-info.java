/**
 * The entry point ({@link org.mlops4j.Mlops}) and the exception tree shared by every module.
 */
@NullMarked
@CheckReturnValue
package org.mlops4j;

import com.google.errorprone.annotations.CheckReturnValue;
import org.jspecify.annotations.NullMarked;
