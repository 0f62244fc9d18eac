/**
 * Comparison policies: the gate that only ships a better model.
 *
 * <p>An {@link org.mlops4j.compare.Evaluation} holds a model version's metrics on one dataset version and, optionally,
 * its per-example {@link org.mlops4j.compare.Outcomes}. A {@link org.mlops4j.compare.ComparisonPolicy}, built with
 * {@link org.mlops4j.compare.Policies}, compares a challenger with the champion and returns a
 * {@link org.mlops4j.compare.Verdict} ({@code PROMOTE}, {@code REJECT} or {@code INCONCLUSIVE}) with one
 * {@link org.mlops4j.compare.Finding} per rule.
 *
 * <p>Significance rules promote only when the lower end of a two-sided (1&minus;&alpha;) interval of the gain is above
 * zero, so a challenger that is no better is promoted with probability at most &alpha;/2.
 */
@NullMarked
@CheckReturnValue
package org.mlops4j.compare;

import com.google.errorprone.annotations.CheckReturnValue;
import org.jspecify.annotations.NullMarked;
