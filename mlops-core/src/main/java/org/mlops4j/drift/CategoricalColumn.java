package org.mlops4j.drift;

import java.util.Map;

/**
 * A categorical column: how often each category occurs. A dataset profile's bounded top-k counts fit, with the rest
 * folded into one "other" category, so that the counts still add up to the number of rows.
 */
public interface CategoricalColumn extends Column {
    /**
     * Returns the count of each category.
     *
     * @return counts by category, none negative, at least one positive
     */
    Map<String, Long> counts();
}
