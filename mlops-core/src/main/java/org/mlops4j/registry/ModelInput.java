package org.mlops4j.registry;

import java.util.Objects;
import org.mlops4j.data.DatasetRef;

/**
 * A dataset version a model used, and how.
 *
 * @param dataset the dataset version
 * @param role {@link #TRAIN}, {@link #EVAL} or another lower-case word
 */
public record ModelInput(DatasetRef dataset, String role) {
    /** The role of training data. */
    public static final String TRAIN = "train";
    /** The role of evaluation data. */
    public static final String EVAL = "eval";

    /**
     * Validates the input.
     *
     * @throws IllegalArgumentException if the role is not lower-case letters, digits and dashes
     */
    public ModelInput {
        Objects.requireNonNull(dataset, "dataset");
        Objects.requireNonNull(role, "role");
        if (!role.matches("[a-z][a-z0-9-]{0,31}")) {
            throw new IllegalArgumentException(
                    "an input's role is lower-case letters, digits and '-', got '" + role + "'");
        }
    }
}
