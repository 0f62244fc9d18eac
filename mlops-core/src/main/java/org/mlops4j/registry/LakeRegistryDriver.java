package org.mlops4j.registry;

import java.io.InputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongFunction;
import org.jspecify.annotations.Nullable;
import org.mlops4j.common.IntegrityException;
import org.mlops4j.common.NotFoundException;
import org.mlops4j.common.Page;
import org.mlops4j.common.ProgressListener;
import org.mlops4j.data.ContentTrees;
import org.mlops4j.data.DatasetRef;
import org.mlops4j.lake.LakeFormatException;
import org.mlops4j.lake.internal.RecordFormat;
import org.mlops4j.lake.internal.RecordReader;
import org.mlops4j.lake.internal.RecordWriter;
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
 * The embedded registry's driver: every record in the lake, next to the datasets.
 *
 * <ul>
 *   <li>{@code models/<name>/v/<8 digits>.json}: a version ({@code mlops4j.model-version}, immutable, created if
 *       absent by {@link VersionAllocator}; carries the request id); format 2 only for a version whose artifacts live
 *       at a URI ({@code artifactUri}), so that older readers, which cannot show those, say a newer MLOps4J wrote it;
 *   <li>{@code models/<name>/aliases/<alias>.json}: the alias pointer, the alias's last move (compare-and-set);
 *   <li>artifacts: content-addressed trees, so identical weights are stored once.
 * </ul>
 *
 * <p>Thread-safe, and safe across processes that share the lake.
 */
final class LakeRegistryDriver implements RegistryDriver {
    static final RecordFormat VERSION_FORMAT = RecordFormat.of("mlops4j.model-version", 2);
    /** The format of a version whose artifacts are absent or a tree in the lake: what version-1 readers read. */
    private static final RecordFormat VERSION_FORMAT_1 = RecordFormat.of("mlops4j.model-version", 1);

    private static final int PAGE_SIZE = 100;

    private final ObjectStore store;
    private final ContentTrees trees;
    private final VersionAllocator versions;

    LakeRegistryDriver(ObjectStore store, ContentTrees trees) {
        this.store = Objects.requireNonNull(store, "store");
        this.trees = Objects.requireNonNull(trees, "trees");
        this.versions = new VersionAllocator(store);
    }

    @Override
    public RegistryCapabilities capabilities() {
        return new RegistryCapabilities(true, true, true);
    }

    @Override
    public ModelVersion createVersion(String model, String requestId, LongFunction<ModelVersion> recordForNumber) {
        VersionAllocator.AllocatedVersion allocated = versions.allocate(
                series(model), requestId, n -> encode(recordForNumber.apply(n)), LakeRegistryDriver::requestIdOf);
        ModelRef ref = new ModelRef(model, allocated.number());
        return decode(store.get(allocated.key()), ref);
    }

    @Override
    public Optional<ModelVersion> readVersion(ModelRef ref) {
        return store.find(VersionAllocator.versionKey(series(ref.name()), ref.version()))
                .map(object -> decode(object, ref));
    }

    @Override
    public Page<ModelVersion> listVersions(String model, @Nullable String continuationToken) {
        long next = continuationToken == null ? versions.findHighest(series(model)) : parseToken(continuationToken);
        List<ModelVersion> page = new ArrayList<>();
        while (next >= 1 && page.size() < PAGE_SIZE) {
            readVersion(new ModelRef(model, next)).ifPresent(page::add); // garbage collection may leave gaps
            next--;
        }
        return new Page<>(page, next >= 1 ? Long.toString(next) : null);
    }

    /** Pages by model: one page holds the matching versions of one model. */
    @Override
    public Page<ModelVersion> searchVersions(ModelQuery query, @Nullable String continuationToken) {
        List<String> names = query.getModel().map(List::of).orElseGet(this::modelNames);
        int index = continuationToken == null ? 0 : (int) parseToken(continuationToken);
        List<ModelVersion> page = new ArrayList<>();
        if (index < names.size()) {
            String token = null;
            do {
                Page<ModelVersion> listed = listVersions(names.get(index), token);
                for (ModelVersion version : listed.items()) {
                    if (query.matches(version)) {
                        page.add(version);
                    }
                }
                token = listed.continuationToken();
            } while (token != null);
        }
        return new Page<>(page, index + 1 < names.size() ? Integer.toString(index + 1) : null);
    }

    private static long parseToken(String token) {
        try {
            return Long.parseLong(token);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "continuation token '" + token + "' was not issued by the lake registry; start from the first page",
                    e);
        }
    }

    private List<String> modelNames() {
        List<String> names = new ArrayList<>();
        for (StoreKey key : store.list("models/")) {
            String[] parts = key.value().split("/");
            if (parts.length == 4
                    && parts[2].equals("v")
                    && (names.isEmpty() || !names.get(names.size() - 1).equals(parts[1]))) {
                names.add(parts[1]);
            }
        }
        return names;
    }

    // --- aliases -----------------------------------------------------------------------------------------------

    @Override
    public Optional<AliasPointer> readAlias(String model, String alias) {
        return store.find(aliasKey(model, alias))
                .map(object -> new AliasPointer(AliasRecords.decode(object, model, alias), object.getTag()));
    }

    @Override
    public boolean writeAlias(String model, String alias, @Nullable ObjectTag expected, AliasEvent last) {
        return store.compareAndSet(aliasKey(model, alias), expected, AliasRecords.encode(last))
                .isPresent();
    }

    private static StoreKey aliasKey(String model, String alias) {
        return StoreKey.of("models/" + model + "/aliases/" + alias + ".json");
    }

    // --- artifacts ---------------------------------------------------------------------------------------------

    @Override
    public StoredArtifacts storeArtifacts(String model, Path directory, ProgressListener progress) {
        ContentTrees.StoredTree tree = trees.storeDirectory(directory, progress, "register " + model);
        return new StoredArtifacts(ArtifactLocation.lakeTree(tree.digest()), tree.files(), tree.bytes());
    }

    @Override
    public InputStream openArtifact(ArtifactLocation location, String path) {
        throw notHeld(location);
    }

    @Override
    public long checkoutArtifacts(ArtifactLocation location, Path directory) {
        throw notHeld(location);
    }

    private static NotFoundException notHeld(ArtifactLocation location) {
        return new NotFoundException("the lake registry keeps artifacts in the lake and cannot read " + location
                + "; read them with the tool that stored them there");
    }

    @Override
    public String toString() {
        return "lake registry on " + store;
    }

    // --- records ---------------------------------------------------------------------------------------------

    static StoreKey series(String model) {
        return StoreKey.of("models/" + model + "/v");
    }

    static byte[] encode(ModelVersion v) {
        Map<String, String> metrics = new LinkedHashMap<>();
        v.getMetrics().forEach((k, value) -> metrics.put(k, Double.toString(value)));
        List<RecordWriter> inputs = new ArrayList<>();
        for (ModelInput input : v.getInputs()) {
            inputs.add(RecordWriter.object()
                    .put("dataset", input.dataset().name())
                    .put("version", input.dataset().version())
                    .put("role", input.role()));
        }
        Optional<String> uri = v.getArtifactLocation().flatMap(ArtifactLocation::getUri);
        RecordWriter record = RecordWriter.create(uri.isPresent() ? VERSION_FORMAT : VERSION_FORMAT_1)
                .put("name", v.getName())
                .put("version", v.getVersion())
                .put("request", v.getRequestId())
                .put("artifactFiles", v.getArtifactFiles())
                .put("artifactBytes", v.getArtifactBytes())
                .put("metrics", metrics)
                .put("params", v.getParams())
                .put("tags", v.getTags())
                .put("signature", v.getSignature())
                .put("inputs", inputs)
                .put("codeRevision", v.getCodeRevision())
                .put("pipelineRun", v.getPipelineRun())
                .put("description", v.getDescription())
                .put("created", v.getCreated().toString())
                .put("author", v.getAuthor());
        v.getArtifacts().ifPresent(d -> record.put("artifacts", d));
        uri.ifPresent(u -> record.put("artifactUri", u));
        return record.toBytes();
    }

    static ModelVersion decode(StoredObject object, ModelRef expected) {
        return RecordReader.decode(
                object.getBytes(), VERSION_FORMAT, object.getKey().value(), r -> {
                    ModelRef ref = new ModelRef(r.getString("name"), r.getLong("version", 1, Long.MAX_VALUE));
                    if (!ref.equals(expected)) {
                        throw new IntegrityException(
                                "the record at " + object.getKey() + " says it is " + ref + "; the lake is damaged");
                    }
                    Map<String, Double> metrics = new LinkedHashMap<>();
                    r.getStringMap("metrics").forEach((k, value) -> metrics.put(k, Double.parseDouble(value)));
                    List<ModelInput> inputs = new ArrayList<>();
                    for (RecordReader input : r.getObjectList("inputs")) {
                        inputs.add(new ModelInput(
                                new DatasetRef(input.getString("dataset"), input.getLong("version", 1, Long.MAX_VALUE)),
                                input.getString("role")));
                        input.finish();
                    }
                    Optional<Digest> tree = r.findDigest("artifacts");
                    Optional<String> uri = r.getFormatVersion() >= 2 ? r.findString("artifactUri") : Optional.empty();
                    @Nullable
                    ArtifactLocation artifacts = uri.isPresent()
                            ? tree.map(d -> ArtifactLocation.uri(uri.get(), d))
                                    .orElseGet(() -> ArtifactLocation.uri(uri.get()))
                            : tree.map(ArtifactLocation::lakeTree).orElse(null);
                    ModelVersion version = new ModelVersion(
                            ref,
                            artifacts,
                            r.getLong("artifactFiles", 0, Long.MAX_VALUE),
                            r.getLong("artifactBytes", 0, Long.MAX_VALUE),
                            metrics,
                            r.getStringMap("params"),
                            r.getStringMap("tags"),
                            r.getString("signature"),
                            inputs,
                            r.getString("codeRevision"),
                            r.getString("pipelineRun"),
                            r.getString("description"),
                            r.getParsed("created", Instant::parse),
                            r.getString("author"),
                            r.getString("request"));
                    return version;
                });
    }

    static String requestIdOf(byte[] bytes) {
        try {
            return RecordReader.parse(bytes, VERSION_FORMAT, "a model version record")
                    .getString("request");
        } catch (LakeFormatException e) {
            return "";
        }
    }
}
