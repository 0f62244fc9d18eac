package org.mlops4j.registry;

/**
 * What a {@link ModelRegistry} backend can do natively. Callers (and the contract suite) adapt: where an alias
 * cannot be moved atomically, promotion takes a lease in the lake around read-check-write.
 *
 * @param atomicAliasMove {@link ModelRegistry#setAlias} is a true compare-and-set
 * @param conditionalCreate a version can be created only if absent (no duplicates under races)
 * @param metricSearch {@link ModelRegistry#search} can filter by metric values
 */
public record RegistryCapabilities(boolean atomicAliasMove, boolean conditionalCreate, boolean metricSearch) {}
