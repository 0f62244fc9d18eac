/**
 * The storage contract ({@link org.mlops4j.store.ObjectStore}), the local-disk store, and version allocation
 * shared by every versioned record.
 */
@NullMarked
@CheckReturnValue
package org.mlops4j.store;

import com.google.errorprone.annotations.CheckReturnValue;
import org.jspecify.annotations.NullMarked;
