/**
 * Lineage across datasets and models: nodes, edges, the reverse-edge index, and upstream / downstream queries.
 */
@NullMarked
@CheckReturnValue
package org.mlops4j.lineage;

import com.google.errorprone.annotations.CheckReturnValue;
import org.jspecify.annotations.NullMarked;
