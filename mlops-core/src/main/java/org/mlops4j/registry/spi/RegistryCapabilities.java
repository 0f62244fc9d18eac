package org.mlops4j.registry.spi;

/**
 * What a {@link RegistryDriver}'s backend can do natively; {@link org.mlops4j.registry.ModelRegistry} adapts to it, and
 * the registry contract suite in {@code mlops-test} is parameterised by it.
 *
 * @param atomicAliasMove {@link RegistryDriver#writeAlias} is a true compare-and-set; without it, the registry takes a
 *     lease in the lake around each alias move
 * @param conditionalCreate {@link RegistryDriver#createVersion} claims each number atomically (concurrent
 *     registrations get distinct, gap-free numbers) and recognises an earlier attempt of the same request that
 *     landed as the highest version
 * @param metricSearch {@link RegistryDriver#searchVersions} can filter by metric values; without it, a search with
 *     metric bounds throws {@link UnsupportedOperationException}
 * @param aliases the backend keeps aliases at all; without them (Azure ML's MLflow endpoint has none), the registry
 *     keeps every alias pointer in the lake and never calls {@link RegistryDriver#readAlias} or {@link
 *     RegistryDriver#writeAlias}
 */
public record RegistryCapabilities(
        boolean atomicAliasMove, boolean conditionalCreate, boolean metricSearch, boolean aliases) {
    /**
     * Capabilities of a backend that keeps aliases.
     *
     * @param atomicAliasMove see the class comment
     * @param conditionalCreate see the class comment
     * @param metricSearch see the class comment
     */
    public RegistryCapabilities(boolean atomicAliasMove, boolean conditionalCreate, boolean metricSearch) {
        this(atomicAliasMove, conditionalCreate, metricSearch, true);
    }
}
