package org.mlops4j.test;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.function.LongFunction;
import org.jspecify.annotations.Nullable;
import org.mlops4j.common.MlopsException;
import org.mlops4j.common.Page;
import org.mlops4j.common.ProgressListener;
import org.mlops4j.data.ContentTrees;
import org.mlops4j.data.DatasetRef;
import org.mlops4j.registry.AliasEvent;
import org.mlops4j.registry.ArtifactLocation;
import org.mlops4j.registry.ModelInput;
import org.mlops4j.registry.ModelQuery;
import org.mlops4j.registry.ModelRef;
import org.mlops4j.registry.ModelVersion;
import org.mlops4j.registry.spi.AliasPointer;
import org.mlops4j.registry.spi.RegistryCapabilities;
import org.mlops4j.registry.spi.RegistryDriver;
import org.mlops4j.registry.spi.StoredArtifacts;
import org.mlops4j.store.Digest;
import org.mlops4j.store.ObjectStore;
import org.mlops4j.store.ObjectTag;
import org.mlops4j.store.StoreKey;
import org.mlops4j.store.StoredObject;
import org.mlops4j.store.VersionAllocator;

/**
 * A {@link RegistryDriver} whose aliases cannot be moved atomically, on purpose: {@link #writeAlias} is a plain
 * read-then-write that ignores the expected tag, as on a registry server without conditional updates (MLflow). It
 * reports {@code atomicAliasMove} false (and no metric search), so {@link org.mlops4j.registry.ModelRegistry} must take
 * its lease around every alias move; the registry contract and the concurrent alias test run on it to prove that lease.
 *
 * <p>Everything lives in an {@link ObjectStore} under {@code nonatomic-registry/}, so processes that open one
 * {@code LocalObjectStore} share the registry: versions are created if absent ({@link VersionAllocator}), records are
 * Java properties text, artifacts are content-addressed trees at {@code nonatomic:sha256:…} URIs. Thread-safe.
 */
public final class NonAtomicRegistryDriver implements RegistryDriver {
    private static final String ROOT = "nonatomic-registry/";
    private static final String SCHEME = "nonatomic:";
    private static final int PAGE_SIZE = 100;

    private final ObjectStore store;
    private final VersionAllocator versions;
    private final ArtifactTrees artifacts;

    /**
     * Creates the driver on a store.
     *
     * @param store where records and artifacts live; share a {@code LocalObjectStore} to share the registry
     * @param executor runs artifact hashing
     */
    public NonAtomicRegistryDriver(ObjectStore store, ExecutorService executor) {
        this.store = store;
        this.versions = new VersionAllocator(store);
        this.artifacts = new ArtifactTrees(ContentTrees.on(store, executor, 2), SCHEME, "non-atomic registry");
    }

    @Override
    public RegistryCapabilities capabilities() {
        return new RegistryCapabilities(false, true, false);
    }

    // --- versions ----------------------------------------------------------------------------------------------

    @Override
    public ModelVersion createVersion(String model, String requestId, LongFunction<ModelVersion> recordForNumber) {
        VersionAllocator.AllocatedVersion allocated = versions.allocate(
                series(model),
                requestId,
                n -> encode(recordForNumber.apply(n)),
                bytes -> read(bytes).getProperty("request", ""));
        return decode(store.get(allocated.key()));
    }

    @Override
    public Optional<ModelVersion> readVersion(ModelRef ref) {
        return store.find(VersionAllocator.versionKey(series(ref.name()), ref.version()))
                .map(NonAtomicRegistryDriver::decode);
    }

    @Override
    public Page<ModelVersion> listVersions(String model, @Nullable String continuationToken) {
        long next = continuationToken == null ? versions.findHighest(series(model)) : parse(continuationToken);
        List<ModelVersion> page = new ArrayList<>();
        for (; next >= 1 && page.size() < PAGE_SIZE; next--) {
            readVersion(new ModelRef(model, next)).ifPresent(page::add);
        }
        return new Page<>(page, next >= 1 ? Long.toString(next) : null);
    }

    /** One page per model; no metric search. */
    @Override
    public Page<ModelVersion> searchVersions(ModelQuery query, @Nullable String continuationToken) {
        if (query.usesMetrics()) {
            throw new UnsupportedOperationException("the non-atomic registry cannot search by metric: " + query);
        }
        List<String> names = query.getModel().map(List::of).orElseGet(this::modelNames);
        int index = continuationToken == null ? 0 : (int) parse(continuationToken);
        List<ModelVersion> page = new ArrayList<>();
        if (index < names.size()) {
            String token = null;
            do {
                Page<ModelVersion> listed = listVersions(names.get(index), token);
                listed.items().stream().filter(query::matches).forEach(page::add);
                token = listed.continuationToken();
            } while (token != null);
        }
        return new Page<>(page, index + 1 < names.size() ? Integer.toString(index + 1) : null);
    }

    private List<String> modelNames() {
        List<String> names = new ArrayList<>();
        for (StoreKey key : store.list(ROOT)) {
            String[] parts = key.value().split("/");
            if (parts.length == 4 && parts[2].equals("v") && !names.contains(parts[1])) {
                names.add(parts[1]);
            }
        }
        return names;
    }

    private static long parse(String token) {
        try {
            return Long.parseLong(token);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("continuation token '" + token + "' is not this driver's", e);
        }
    }

    // --- aliases: deliberately not atomic ----------------------------------------------------------------------

    /** Reads the pointer; it has no tag to compare, as on a backend without conditional updates. */
    @Override
    public Optional<AliasPointer> readAlias(String model, String alias) {
        return store.find(aliasKey(model, alias)).map(object -> new AliasPointer(decodeAlias(object), null));
    }

    /** Overwrites the pointer whatever it holds now, ignoring {@code expected}: the last writer wins. */
    @Override
    public boolean writeAlias(String model, String alias, @Nullable ObjectTag expected, AliasEvent last) {
        StoreKey key = aliasKey(model, alias);
        byte[] bytes = encode(last);
        while (true) {
            // the store offers no blind write: re-read the tag just to overwrite whatever is there
            Optional<StoredObject> current = store.find(key);
            if (store.compareAndSet(key, current.map(StoredObject::getTag).orElse(null), bytes)
                    .isPresent()) {
                return true;
            }
        }
    }

    // --- artifacts ---------------------------------------------------------------------------------------------

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
        return "NonAtomicRegistryDriver{" + store + "}";
    }

    // --- records: properties text ------------------------------------------------------------------------------

    private static StoreKey series(String model) {
        return StoreKey.of(ROOT + model + "/v");
    }

    private static StoreKey aliasKey(String model, String alias) {
        return StoreKey.of(ROOT + model + "/aliases/" + alias + ".properties");
    }

    private static byte[] encode(ModelVersion v) {
        Properties p = new Properties();
        p.setProperty("name", v.getName());
        p.setProperty("version", Long.toString(v.getVersion()));
        p.setProperty("request", v.getRequestId());
        v.getArtifactLocation().flatMap(ArtifactLocation::getUri).ifPresent(uri -> p.setProperty("artifactUri", uri));
        v.getArtifacts().ifPresent(tree -> p.setProperty("artifactTree", tree.toString()));
        p.setProperty("artifactFiles", Long.toString(v.getArtifactFiles()));
        p.setProperty("artifactBytes", Long.toString(v.getArtifactBytes()));
        v.getMetrics().forEach((k, value) -> p.setProperty("metric." + k, Double.toString(value)));
        v.getParams().forEach((k, value) -> p.setProperty("param." + k, value));
        v.getTags().forEach((k, value) -> p.setProperty("tag." + k, value));
        p.setProperty("signature", v.getSignature());
        for (int i = 0; i < v.getInputs().size(); i++) {
            ModelInput input = v.getInputs().get(i);
            p.setProperty("input." + i + ".dataset", input.dataset().toString());
            p.setProperty("input." + i + ".role", input.role());
        }
        p.setProperty("codeRevision", v.getCodeRevision());
        p.setProperty("pipelineRun", v.getPipelineRun());
        p.setProperty("description", v.getDescription());
        p.setProperty("created", v.getCreated().toString());
        p.setProperty("author", v.getAuthor());
        return write(p);
    }

    private static ModelVersion decode(StoredObject object) {
        Properties p = read(object.getBytes());
        String uri = p.getProperty("artifactUri");
        String tree = p.getProperty("artifactTree");
        @Nullable ArtifactLocation artifacts = null;
        if (uri != null) {
            artifacts = tree == null ? ArtifactLocation.uri(uri) : ArtifactLocation.uri(uri, Digest.parse(tree));
        } else if (tree != null) {
            artifacts = ArtifactLocation.lakeTree(Digest.parse(tree));
        }
        Map<String, Double> metrics = new TreeMap<>();
        Map<String, String> params = new TreeMap<>();
        Map<String, String> tags = new TreeMap<>();
        for (String key : p.stringPropertyNames()) {
            if (key.startsWith("metric.")) {
                metrics.put(key.substring("metric.".length()), Double.parseDouble(p.getProperty(key)));
            } else if (key.startsWith("param.")) {
                params.put(key.substring("param.".length()), p.getProperty(key));
            } else if (key.startsWith("tag.")) {
                tags.put(key.substring("tag.".length()), p.getProperty(key));
            }
        }
        List<ModelInput> inputs = new ArrayList<>();
        for (int i = 0; p.getProperty("input." + i + ".dataset") != null; i++) {
            inputs.add(new ModelInput(
                    DatasetRef.parse(p.getProperty("input." + i + ".dataset")), p.getProperty("input." + i + ".role")));
        }
        return new ModelVersion(
                new ModelRef(required(p, "name", object), Long.parseLong(required(p, "version", object))),
                artifacts,
                Long.parseLong(required(p, "artifactFiles", object)),
                Long.parseLong(required(p, "artifactBytes", object)),
                metrics,
                params,
                tags,
                required(p, "signature", object),
                inputs,
                required(p, "codeRevision", object),
                required(p, "pipelineRun", object),
                required(p, "description", object),
                Instant.parse(required(p, "created", object)),
                required(p, "author", object),
                required(p, "request", object));
    }

    private static byte[] encode(AliasEvent e) {
        Properties p = new Properties();
        p.setProperty("model", e.model());
        p.setProperty("alias", e.alias());
        p.setProperty("sequence", Long.toString(e.sequence()));
        p.setProperty("from", Long.toString(e.fromVersion()));
        p.setProperty("to", Long.toString(e.toVersion()));
        p.setProperty("at", e.at().toString());
        p.setProperty("by", e.by());
        p.setProperty("run", e.runId());
        p.setProperty("reason", e.reason());
        return write(p);
    }

    private static AliasEvent decodeAlias(StoredObject object) {
        Properties p = read(object.getBytes());
        return new AliasEvent(
                required(p, "model", object),
                required(p, "alias", object),
                Long.parseLong(required(p, "sequence", object)),
                Long.parseLong(required(p, "from", object)),
                Long.parseLong(required(p, "to", object)),
                Instant.parse(required(p, "at", object)),
                required(p, "by", object),
                required(p, "run", object),
                required(p, "reason", object));
    }

    private static String required(Properties p, String key, StoredObject object) {
        String value = p.getProperty(key);
        if (value == null) {
            throw new MlopsException("record " + object.getKey() + " has no '" + key + "'; the store is damaged");
        }
        return value;
    }

    private static byte[] write(Properties p) {
        StringWriter out = new StringWriter();
        try {
            p.store(out, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static Properties read(byte[] bytes) {
        Properties p = new Properties();
        try {
            p.load(new StringReader(new String(bytes, StandardCharsets.UTF_8)));
        } catch (IOException | IllegalArgumentException e) {
            throw new MlopsException("a non-atomic registry record is not properties text: " + e, e);
        }
        return p;
    }
}
