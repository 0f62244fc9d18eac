package org.mlops4j.test;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.function.LongFunction;
import org.jspecify.annotations.Nullable;
import org.mlops4j.common.Page;
import org.mlops4j.common.ProgressListener;
import org.mlops4j.data.ContentTrees;
import org.mlops4j.registry.AliasEvent;
import org.mlops4j.registry.ArtifactLocation;
import org.mlops4j.registry.ModelQuery;
import org.mlops4j.registry.ModelRef;
import org.mlops4j.registry.ModelVersion;
import org.mlops4j.registry.spi.AliasPointer;
import org.mlops4j.registry.spi.RegistryCapabilities;
import org.mlops4j.registry.spi.RegistryDriver;
import org.mlops4j.registry.spi.StoredArtifacts;
import org.mlops4j.store.ObjectTag;

/**
 * A {@link RegistryDriver} in memory, for fast tests of code that uses a registry: records live in maps under one lock,
 * artifacts in a private {@link InMemoryObjectStore} as content-addressed trees at {@code memory:sha256:…} URIs. It
 * reports every capability and passes the registry contract suite. Use it through {@code
 * Mlops.builder().registryDriver(new InMemoryRegistryDriver(executor))}; the registry's lineage, history and request
 * claims then live in that {@code Mlops}'s lake. Thread-safe.
 */
public final class InMemoryRegistryDriver implements RegistryDriver {
    private static final String SCHEME = "memory:";
    private static final int PAGE_SIZE = 50;

    private final Object lock = new Object();
    private final Map<String, List<ModelVersion>> versions = new HashMap<>();
    private final Map<String, AliasEvent> aliases = new HashMap<>();
    private final Map<String, Long> aliasGenerations = new HashMap<>();
    private final ArtifactTrees artifacts;

    /**
     * Creates an empty driver.
     *
     * @param executor runs artifact hashing
     */
    public InMemoryRegistryDriver(ExecutorService executor) {
        this.artifacts = new ArtifactTrees(
                ContentTrees.on(new InMemoryObjectStore(), executor, 2), SCHEME, "in-memory registry");
    }

    @Override
    public RegistryCapabilities capabilities() {
        return new RegistryCapabilities(true, true, true);
    }

    @Override
    public ModelVersion createVersion(String model, String requestId, LongFunction<ModelVersion> recordForNumber) {
        synchronized (lock) {
            List<ModelVersion> list = versions.computeIfAbsent(model, k -> new ArrayList<>());
            if (!list.isEmpty() && list.get(list.size() - 1).getRequestId().equals(requestId)) {
                return list.get(list.size() - 1); // an earlier attempt of this request landed
            }
            ModelVersion version = recordForNumber.apply(list.size() + 1);
            if (!version.getRef().equals(new ModelRef(model, list.size() + 1))) {
                throw new IllegalArgumentException(
                        "the record for " + model + "@" + (list.size() + 1) + " says it is " + version.getRef());
            }
            list.add(version);
            return version;
        }
    }

    @Override
    public Optional<ModelVersion> readVersion(ModelRef ref) {
        synchronized (lock) {
            List<ModelVersion> list = versions.getOrDefault(ref.name(), List.of());
            return ref.version() <= list.size() ? Optional.of(list.get((int) ref.version() - 1)) : Optional.empty();
        }
    }

    @Override
    public Page<ModelVersion> listVersions(String model, @Nullable String continuationToken) {
        List<ModelVersion> newestFirst;
        synchronized (lock) {
            newestFirst = new ArrayList<>(versions.getOrDefault(model, List.of()));
        }
        Collections.reverse(newestFirst);
        return page(newestFirst, continuationToken);
    }

    @Override
    public Page<ModelVersion> searchVersions(ModelQuery query, @Nullable String continuationToken) {
        List<ModelVersion> found = new ArrayList<>();
        synchronized (lock) {
            new TreeMap<>(versions).forEach((name, list) -> {
                for (int i = list.size() - 1; i >= 0; i--) {
                    if (query.matches(list.get(i))) {
                        found.add(list.get(i));
                    }
                }
            });
        }
        return page(found, continuationToken);
    }

    private static Page<ModelVersion> page(List<ModelVersion> items, @Nullable String continuationToken) {
        int from;
        try {
            from = continuationToken == null ? 0 : Integer.parseInt(continuationToken);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "continuation token '" + continuationToken + "' is not this driver's", e);
        }
        int to = Math.min(items.size(), from + PAGE_SIZE);
        return new Page<>(
                List.copyOf(items.subList(Math.min(from, to), to)), to < items.size() ? Integer.toString(to) : null);
    }

    @Override
    public Optional<AliasPointer> readAlias(String model, String alias) {
        String key = model + "\n" + alias;
        synchronized (lock) {
            AliasEvent last = aliases.get(key);
            return last == null
                    ? Optional.empty()
                    : Optional.of(new AliasPointer(last, new ObjectTag(Long.toString(aliasGenerations.get(key)))));
        }
    }

    @Override
    public boolean writeAlias(String model, String alias, @Nullable ObjectTag expected, AliasEvent last) {
        String key = model + "\n" + alias;
        synchronized (lock) {
            Long generation = aliasGenerations.get(key);
            String current = generation == null ? null : Long.toString(generation);
            if (!Objects.equals(current, expected == null ? null : expected.value())) {
                return false;
            }
            aliases.put(key, last);
            aliasGenerations.put(key, generation == null ? 1 : generation + 1);
            return true;
        }
    }

    @Override
    public StoredArtifacts storeArtifacts(String model, Path directory, ProgressListener progress) {
        return artifacts.store(model, directory, progress);
    }

    @Override
    public InputStream openArtifact(ArtifactLocation location, String path) {
        return artifacts.open(location, path);
    }

    @Override
    public long checkoutArtifacts(ArtifactLocation location, Path directory) {
        return artifacts.checkout(location, directory);
    }

    @Override
    public String toString() {
        return "InMemoryRegistryDriver";
    }
}
