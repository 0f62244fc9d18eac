/**
 * The entry point, {@link org.mlops4j.Mlops}: the facade that wires the lake, datasets, registry, lineage,
 * deployments and pipelines. Nothing below it depends on it.
 */
@NullMarked
@CheckReturnValue
package org.mlops4j;

import com.google.errorprone.annotations.CheckReturnValue;
import org.jspecify.annotations.NullMarked;
