package org.mlops4j.cli;

import org.mlops4j.common.NotFoundException;
import org.mlops4j.data.DatasetRef;
import org.mlops4j.data.DatasetVersion;
import org.mlops4j.data.Datasets;
import org.mlops4j.registry.ModelAlias;
import org.mlops4j.registry.ModelRef;
import org.mlops4j.registry.ModelRegistry;
import org.mlops4j.registry.ModelVersion;

/**
 * Versions as written on the command line: a dataset is {@code name} (its latest version) or {@code name@3}; a model
 * version is {@code name@7} or {@code name@champion} (an alias), and where the model is known, {@code 7} or
 * {@code @champion}.
 */
final class Refs {
    private Refs() {}

    static DatasetVersion dataset(Datasets datasets, String text) {
        if (text.indexOf('@') < 0) {
            return datasets.findLatest(text)
                    .orElseThrow(() -> new NotFoundException("dataset '" + text
                            + "' has no version; snapshot one with 'mlops4j dataset snapshot " + text + " DIR'"));
        }
        return datasets.get(DatasetRef.parse(text));
    }

    /**
     * Resolves a model version.
     *
     * @param registry the registry
     * @param model the model's name when the text may leave it out, or null
     * @param text {@code name@7}, {@code name@alias}, or with a model given {@code 7}, {@code @alias}
     * @return the version
     * @throws NotFoundException if the version or alias does not exist
     * @throws IllegalArgumentException if the text is none of these forms
     */
    static ModelVersion model(ModelRegistry registry, @org.jspecify.annotations.Nullable String model, String text) {
        int at = text.lastIndexOf('@');
        String name = at > 0 ? text.substring(0, at) : model;
        String version = at >= 0 ? text.substring(at + 1) : text;
        if (name == null) {
            throw new IllegalArgumentException(
                    "a model version is written name@7 or name@alias, got '" + text + "'; or give --model NAME");
        }
        if (version.chars().allMatch(Character::isDigit) && !version.isEmpty()) {
            return registry.get(new ModelRef(name, Long.parseLong(version)));
        }
        ModelAlias alias = registry.findAlias(name, version)
                .orElseThrow(() -> new NotFoundException("model '" + name + "' has no alias '" + version
                        + "'; set it with 'mlops4j model alias " + name + " " + version + " VERSION'"));
        return registry.get(alias.ref());
    }
}
