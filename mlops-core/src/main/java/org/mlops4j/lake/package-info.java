/**
 * The lake format, a public contract: digests, canonical JSON and its strict reader, and the {@code lake.json}
 * descriptor. Specified in {@code docs/lake-format.md}.
 */
@NullMarked
@CheckReturnValue
package org.mlops4j.lake;

import com.google.errorprone.annotations.CheckReturnValue;
import org.jspecify.annotations.NullMarked;
