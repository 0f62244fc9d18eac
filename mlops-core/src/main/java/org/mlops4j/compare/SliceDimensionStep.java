package org.mlops4j.compare;

/**
 * The step of {@link Policies#noSliceRegression(String)} that names the slice dimension.
 *
 * <p>A step type for chaining only: do not implement or store it; methods may be added in minor releases.
 */
public interface SliceDimensionStep {
    /**
     * Names the slice dimension, as given to {@link Outcomes#withSlice(String, String[])}.
     *
     * @param dimension the dimension ({@code "region"})
     * @return a rule with tolerance 0 and minimum slice size 30
     * @throws IllegalArgumentException if the dimension is blank
     */
    SliceRule by(String dimension);
}
