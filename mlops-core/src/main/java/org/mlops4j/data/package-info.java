/**
 * Versioned, content-addressed datasets with lineage: snapshots, trees, checkout, diff, verification.
 */
@NullMarked
@CheckReturnValue
package org.mlops4j.data;

import com.google.errorprone.annotations.CheckReturnValue;
import org.jspecify.annotations.NullMarked;
