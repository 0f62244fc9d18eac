/**
 * The model registry: registered models, versions, aliases, and the embedded registry on the lake.
 */
@NullMarked
@CheckReturnValue
package org.mlops4j.registry;

import com.google.errorprone.annotations.CheckReturnValue;
import org.jspecify.annotations.NullMarked;
