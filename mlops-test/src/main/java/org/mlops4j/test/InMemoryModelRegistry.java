package org.mlops4j.test;

import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.function.Predicate;
import org.mlops4j.common.ConflictException;
import org.mlops4j.common.NotFoundException;
import org.mlops4j.common.Page;
import org.mlops4j.common.Paged;
import org.mlops4j.data.ContentTrees;
import org.mlops4j.data.DatasetRef;
import org.mlops4j.registry.AliasEvent;
import org.mlops4j.registry.AliasUpdate;
import org.mlops4j.registry.ModelAlias;
import org.mlops4j.registry.ModelInput;
import org.mlops4j.registry.ModelQuery;
import org.mlops4j.registry.ModelRef;
import org.mlops4j.registry.ModelRegistration;
import org.mlops4j.registry.ModelRegistry;
import org.mlops4j.registry.ModelVersion;
import org.mlops4j.registry.RegistryCapabilities;
import org.mlops4j.store.Digest;

/**
 * A {@link ModelRegistry} in memory, for fast tests of code that uses a registry. Records live in maps under one
 * lock; artifacts go to an {@link InMemoryObjectStore}. It reports every capability and passes the registry contract
 * suite. It does not check that input datasets exist. Thread-safe.
 */
public final class InMemoryModelRegistry implements ModelRegistry {
    private final Object lock = new Object();
    private final Map<String, List<ModelVersion>> versions = new HashMap<>();
    private final Map<String, ModelRef> requests = new HashMap<>();
    private final Map<String, ModelAlias> aliases = new HashMap<>();
    private final Map<String, List<AliasEvent>> history = new HashMap<>();
    private final ContentTrees trees;
    private final Clock clock;
    private final Predicate<DatasetRef> datasetExists;

    /**
     * Creates an empty registry.
     *
     * @param executor runs artifact hashing
     * @param clock timestamps versions and alias moves
     * @param datasetExists tells whether an input dataset version exists (e.g. {@code ref ->
     *     datasets.find(ref).isPresent()}, or {@code ref -> true})
     */
    public InMemoryModelRegistry(ExecutorService executor, Clock clock, Predicate<DatasetRef> datasetExists) {
        this.trees = ContentTrees.on(new InMemoryObjectStore(), executor, 2);
        this.clock = Objects.requireNonNull(clock, "clock");
        this.datasetExists = Objects.requireNonNull(datasetExists, "datasetExists");
    }

    @Override
    public RegistryCapabilities capabilities() {
        return new RegistryCapabilities(true, true, true);
    }

    @Override
    public ModelVersion register(ModelRegistration registration) {
        String name = registration.getName();
        synchronized (lock) {
            ModelRef done = requests.get(name + "\n" + registration.getRequestId());
            if (done != null) {
                return get(done);
            }
        }
        for (ModelInput input : registration.getInputs()) {
            if (!datasetExists.test(input.dataset())) {
                throw new NotFoundException("input " + input.dataset() + " (" + input.role() + ") of model '" + name
                        + "' does not exist; snapshot it first");
            }
        }
        if (registration.getArtifactTree() != null) {
            throw new UnsupportedOperationException("InMemoryModelRegistry keeps artifacts in its own memory and cannot"
                    + " refer to tree " + registration.getArtifactTree() + " of a lake; register a directory"
                    + " (artifacts(Path)), or use the lake's registry (Mlops.registry())");
        }
        ContentTrees.StoredTree artifacts = registration.getArtifacts() == null
                ? null
                : trees.storeDirectory(registration.getArtifacts(), registration.getProgress(), "register " + name);
        synchronized (lock) {
            ModelRef done = requests.get(name + "\n" + registration.getRequestId());
            if (done != null) {
                return get(done);
            }
            List<ModelVersion> list = versions.computeIfAbsent(name, k -> new ArrayList<>());
            ModelVersion version = new ModelVersion(
                    new ModelRef(name, list.size() + 1),
                    artifacts == null ? null : artifacts.digest(),
                    artifacts == null ? 0 : artifacts.files(),
                    artifacts == null ? 0 : artifacts.bytes(),
                    registration.getMetrics(),
                    registration.getParams(),
                    registration.getTags(),
                    registration.getSignature(),
                    registration.getInputs(),
                    registration.getCodeRevision(),
                    registration.getPipelineRun(),
                    registration.getDescription(),
                    now(),
                    System.getProperty("user.name", "unknown"),
                    registration.getRequestId());
            list.add(version);
            requests.put(name + "\n" + registration.getRequestId(), version.getRef());
            return version;
        }
    }

    @Override
    public Optional<ModelVersion> find(ModelRef ref) {
        synchronized (lock) {
            List<ModelVersion> list = versions.getOrDefault(ref.name(), List.of());
            return ref.version() <= list.size() ? Optional.of(list.get((int) ref.version() - 1)) : Optional.empty();
        }
    }

    @Override
    public Paged<ModelVersion> versions(String name) {
        List<ModelVersion> snapshot;
        synchronized (lock) {
            snapshot = new ArrayList<>(versions.getOrDefault(ModelRef.requireValidName(name), List.of()));
        }
        java.util.Collections.reverse(snapshot);
        return pagesOf(snapshot);
    }

    @Override
    public Paged<ModelVersion> search(ModelQuery query) {
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
        return pagesOf(found);
    }

    @Override
    public ModelAlias setAlias(String model, String alias, long version, AliasUpdate update) {
        ModelAlias.requireValidAlias(alias);
        if (find(new ModelRef(model, version)).isEmpty()) {
            throw new NotFoundException(
                    "cannot point alias '" + alias + "' to " + model + "@" + version + ": no such version");
        }
        synchronized (lock) {
            ModelAlias moved = move(model, alias, version, update);
            return Objects.requireNonNull(moved);
        }
    }

    @Override
    public Optional<ModelAlias> findAlias(String model, String alias) {
        synchronized (lock) {
            return Optional.ofNullable(aliases.get(model + "\n" + alias));
        }
    }

    @Override
    public void deleteAlias(String model, String alias, AliasUpdate update) {
        synchronized (lock) {
            if (!aliases.containsKey(model + "\n" + alias) && update.accepts(0)) {
                throw new NotFoundException("alias '" + alias + "' of model '" + model + "' does not exist");
            }
            var unused = move(model, alias, 0, update);
        }
    }

    private ModelAlias move(String model, String alias, long version, AliasUpdate update) {
        String key = model + "\n" + alias;
        ModelAlias current = aliases.get(key);
        long currentVersion = current == null ? 0 : current.version();
        if (!update.accepts(currentVersion)) {
            throw new ConflictException("alias '" + alias + "' of model '" + model + "' points to "
                    + (currentVersion == 0 ? "nothing" : "version " + currentVersion) + ", not as expected");
        }
        List<AliasEvent> events = history.computeIfAbsent(key, k -> new ArrayList<>());
        long sequence = events.size() + 1;
        Instant at = now();
        events.add(new AliasEvent(
                model,
                alias,
                sequence,
                currentVersion,
                version,
                at,
                update.getBy(),
                update.getRunId(),
                update.getReason()));
        if (version == 0) {
            aliases.remove(key);
            return null;
        }
        ModelAlias moved = new ModelAlias(
                model, alias, version, sequence, at, update.getBy(), update.getRunId(), update.getReason());
        aliases.put(key, moved);
        return moved;
    }

    @Override
    public Paged<AliasEvent> aliasHistory(String model, String alias) {
        synchronized (lock) {
            return pagesOf(new ArrayList<>(history.getOrDefault(model + "\n" + alias, List.of())));
        }
    }

    @Override
    public InputStream openArtifact(ModelVersion version, String path) {
        return trees.open(artifactsOf(version), path, version.getRef().toString());
    }

    @Override
    public long checkoutArtifacts(ModelVersion version, Path directory) {
        return trees.checkout(artifactsOf(version), directory, version.getRef().toString());
    }

    private static Digest artifactsOf(ModelVersion version) {
        return version.getArtifacts()
                .orElseThrow(() -> new NotFoundException("model version " + version.getRef() + " has no artifacts"));
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    private static <T> Paged<T> pagesOf(List<T> items) {
        int pageSize = 50;
        return Paged.of(token -> {
            int from = token == null ? 0 : Integer.parseInt(token);
            int to = Math.min(items.size(), from + pageSize);
            return new Page<>(items.subList(from, to), to < items.size() ? Integer.toString(to) : null);
        });
    }

    @Override
    public String toString() {
        return "InMemoryModelRegistry";
    }
}
