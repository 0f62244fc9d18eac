/** Implementation details shared across packages; not public API, may change in any release. */
@NullMarked
@CheckReturnValue
package org.mlops4j.internal;

import com.google.errorprone.annotations.CheckReturnValue;
import org.jspecify.annotations.NullMarked;
