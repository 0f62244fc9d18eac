/**
 * Data drift: does the data a model sees now differ from the data it was trained on?
 *
 * <p>Per column: the population stability index on reference deciles ({@link org.mlops4j.drift.Drift#psi}), the
 * two-sample Kolmogorov–Smirnov test for numbers ({@link org.mlops4j.drift.Drift#ks}) and the chi-square test on a
 * contingency table for categories ({@link org.mlops4j.drift.Drift#chiSquare}); per dataset, a share of drifted
 * columns. Columns come from raw data ({@link org.mlops4j.drift.Columns}) or from anything that implements
 * {@link org.mlops4j.drift.NumericColumn} or {@link org.mlops4j.drift.CategoricalColumn}, such as a dataset profile's
 * reservoir samples, quantile sketches and top-k counts. A {@link org.mlops4j.drift.DriftReport} says whether to
 * retrain.
 */
@NullMarked
@CheckReturnValue
package org.mlops4j.drift;

import com.google.errorprone.annotations.CheckReturnValue;
import org.jspecify.annotations.NullMarked;
