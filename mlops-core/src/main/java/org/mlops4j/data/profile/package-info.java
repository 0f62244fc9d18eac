/**
 * Schemas and profiles of tabular files, computed in one streaming pass in memory bounded independently of the row
 * count: {@link org.mlops4j.data.profile.CsvProfiler} reads a CSV file and returns a
 * {@link org.mlops4j.data.profile.TableProfile} (row count; per column its type, nulls, min/max/mean, percentiles
 * from a KLL quantile sketch, Misra–Gries top values with the "other" mass, a distinct-count estimate and a seeded
 * reservoir sample), enough for drift tests without reading the data again.
 */
@NullMarked
@CheckReturnValue
package org.mlops4j.data.profile;

import com.google.errorprone.annotations.CheckReturnValue;
import org.jspecify.annotations.NullMarked;
