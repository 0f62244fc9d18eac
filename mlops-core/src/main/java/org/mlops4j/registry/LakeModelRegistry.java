package org.mlops4j.registry;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.mlops4j.common.ConflictException;
import org.mlops4j.common.MlopsException;
import org.mlops4j.common.NotFoundException;
import org.mlops4j.common.Page;
import org.mlops4j.common.Paged;
import org.mlops4j.data.ContentTrees;
import org.mlops4j.data.DatasetRef;
import org.mlops4j.data.Datasets;
import org.mlops4j.lake.LakeFormatException;
import org.mlops4j.lake.RecordFormat;
import org.mlops4j.lake.RecordReader;
import org.mlops4j.lake.RecordWriter;
import org.mlops4j.lineage.LineageEdge;
import org.mlops4j.lineage.LineageIndex;
import org.mlops4j.store.Digest;
import org.mlops4j.store.ObjectStore;
import org.mlops4j.store.ObjectTag;
import org.mlops4j.store.StoreKey;
import org.mlops4j.store.StoredObject;
import org.mlops4j.store.VersionAllocator;

/**
 * The embedded {@link ModelRegistry}: every record in the lake, next to the datasets.
 *
 * <ul>
 *   <li>{@code models/<name>/v/<8 digits>.json}: a version (immutable, created if absent; carries the request id);
 *   <li>{@code models/<name>/requests/<sha256 of request id>.json}: which version a request made (compare-and-set,
 *       only ever moved to a lower version: the lowest twin wins), and {@code models/<name>/superseded/…} marks the
 *       losers, which the API hides;
 *   <li>{@code models/<name>/aliases/<alias>.json}: the alias (compare-and-set), and
 *       {@code models/<name>/alias-log/<alias>/<8 digits>.json}: its append-only history, one entry per move.
 * </ul>
 *
 * <p>Artifacts are content-addressed trees, so identical weights are stored once. Registration writes reverse lineage
 * edges from each input dataset version to the model version (a retry writes those its first attempt may have left
 * out); when a lower twin wins, the index moves from the superseded version to it. Thread-safe, and safe across processes that share the
 * lake.
 */
public final class LakeModelRegistry implements ModelRegistry {
    static final RecordFormat VERSION_FORMAT = RecordFormat.of("mlops4j.model-version", 1);
    static final RecordFormat REQUEST_FORMAT = RecordFormat.of("mlops4j.model-request", 1);
    static final RecordFormat ALIAS_FORMAT = RecordFormat.of("mlops4j.model-alias", 1);

    private final ObjectStore store;
    private final ContentTrees trees;
    private final VersionAllocator versions;
    private final LineageIndex lineage;
    private final Datasets datasets;
    private final Clock clock;

    /**
     * Creates the registry on a lake; {@code Mlops} does this for you.
     *
     * @param store the lake
     * @param datasets the lake's datasets (inputs are checked against them; artifacts share their trees)
     * @param versions the lake's version allocator
     * @param clock timestamps records
     */
    public LakeModelRegistry(ObjectStore store, Datasets datasets, VersionAllocator versions, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.datasets = Objects.requireNonNull(datasets, "datasets");
        this.trees = datasets.contentTrees();
        this.versions = Objects.requireNonNull(versions, "versions");
        this.lineage = datasets.lineageIndex();
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public RegistryCapabilities capabilities() {
        return new RegistryCapabilities(true, true, true);
    }

    @Override
    public ModelVersion register(ModelRegistration registration) {
        String name = registration.getName();
        String requestId = registration.getRequestId();
        Optional<RequestClaim> claim = readClaim(name, requestId);
        if (claim.isPresent()) {
            Optional<ModelVersion> existing =
                    find(new ModelRef(name, claim.get().version()));
            if (existing.isPresent()) {
                // a repeated request: the version it made, whose writer may have died before writing its lineage
                recordLineage(existing.get());
                return existing.get();
            }
        }
        for (var input : registration.getInputs()) {
            if (datasets.find(input.dataset()).isEmpty()) {
                throw new NotFoundException("input " + input.dataset() + " (" + input.role() + ") of model '" + name
                        + "' does not exist; snapshot it first");
            }
        }
        ContentTrees.StoredTree artifacts = registration.getArtifactTree() != null
                ? trees.describe(registration.getArtifactTree(), "artifacts of " + name) // already in this lake
                : registration.getArtifacts() == null
                        ? null
                        : trees.storeDirectory(
                                registration.getArtifacts(), registration.getProgress(), "register " + name);
        Instant created = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        String author = System.getProperty("user.name", "unknown");
        VersionAllocator.AllocatedVersion allocated = versions.allocate(
                series(name),
                requestId,
                n -> encode(new ModelVersion(
                        new ModelRef(name, n),
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
                        created,
                        author,
                        requestId)),
                LakeModelRegistry::requestIdOf);
        ModelRef ref = new ModelRef(name, allocated.number());
        ModelVersion version = decode(store.get(VersionAllocator.versionKey(series(name), ref.version())), ref);
        long winner = resolveTwins(version);
        if (winner == version.getVersion()) {
            recordLineage(version);
            if (!store.exists(supersededKey(name, winner))) {
                return version;
            }
            // a lower twin won while the edges were written: whoever demoted this version may have removed its
            // edges before they were written, so take them back here too
            forgetLineage(version);
            winner = readClaim(name, requestId).map(RequestClaim::version).orElse(winner);
        }
        ModelVersion won = get(new ModelRef(name, winner));
        recordLineage(won); // its writer may have died before writing them
        return won;
    }

    /** Writes the reverse lineage edges from each input of a version; idempotent. */
    private void recordLineage(ModelVersion version) {
        for (LineageEdge edge : version.inputEdges()) {
            boolean unused = lineage.record(edge);
        }
    }

    /** Removes the reverse lineage edges of a version hidden as a superseded twin, so that downstream skips it. */
    private void forgetLineage(ModelVersion version) {
        for (LineageEdge edge : version.inputEdges()) {
            boolean unused = lineage.remove(edge);
        }
    }

    @Override
    public Optional<ModelVersion> find(ModelRef ref) {
        Optional<StoredObject> object = store.find(VersionAllocator.versionKey(series(ref.name()), ref.version()));
        if (object.isEmpty()) {
            return Optional.empty();
        }
        ModelVersion version = decode(object.get(), ref);
        return resolveTwins(version) == version.getVersion() ? Optional.of(version) : Optional.empty();
    }

    @Override
    public Paged<ModelVersion> versions(String name) {
        StoreKey series = series(ModelRef.requireValidName(name));
        return Paged.of(token -> {
            long next = token == null ? versions.findHighest(series) : Long.parseLong(token);
            List<ModelVersion> page = new ArrayList<>();
            while (next >= 1 && page.size() < 100) {
                find(new ModelRef(name, next)).ifPresent(page::add);
                next--;
            }
            return new Page<>(page, next >= 1 ? Long.toString(next) : null);
        });
    }

    @Override
    public Paged<ModelVersion> search(ModelQuery query) {
        List<String> names = query.getModel().map(List::of).orElseGet(this::modelNames);
        return Paged.of(token -> {
            int index = token == null ? 0 : Integer.parseInt(token);
            List<ModelVersion> page = new ArrayList<>();
            if (index < names.size()) {
                for (ModelVersion version : versions(names.get(index))) {
                    if (query.matches(version)) {
                        page.add(version);
                    }
                }
            }
            return new Page<>(page, index + 1 < names.size() ? Integer.toString(index + 1) : null);
        });
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
    public ModelAlias setAlias(String model, String alias, long version, AliasUpdate update) {
        requireAlias(alias);
        ModelRef target = new ModelRef(model, version);
        if (find(target).isEmpty()) {
            throw new NotFoundException("cannot point alias '" + alias + "' to " + target + ": no such version");
        }
        return move(model, alias, version, update);
    }

    @Override
    public Optional<ModelAlias> findAlias(String model, String alias) {
        requireAlias(alias);
        return store.find(aliasKey(model, alias))
                .map(o -> readAlias(model, alias, o))
                .filter(a -> a.toVersion() > 0)
                .map(AliasState::toAlias);
    }

    @Override
    public void deleteAlias(String model, String alias, AliasUpdate update) {
        requireAlias(alias);
        var unused = move(model, alias, 0, update);
    }

    @Override
    public Paged<AliasEvent> aliasHistory(String model, String alias) {
        requireAlias(alias);
        store.find(aliasKey(model, alias)).ifPresent(o -> ensureLogged(readAlias(model, alias, o)));
        String prefix = "models/" + model + "/alias-log/" + alias + "/";
        return Paged.of(token -> {
            var keys = store.list(prefix, token, 100);
            List<AliasEvent> events = new ArrayList<>();
            for (StoreKey key : keys.items()) {
                events.add(readAlias(model, alias, store.get(key)).toEvent());
            }
            return new Page<>(events, keys.continuationToken());
        });
    }

    /** Moves (or, with version 0, deletes) an alias by compare-and-set, then appends the move to its log. */
    private ModelAlias move(String model, String alias, long version, AliasUpdate update) {
        StoreKey key = aliasKey(model, alias);
        while (true) {
            Optional<StoredObject> current = store.find(key);
            AliasState before = current.map(o -> readAlias(model, alias, o)).orElse(null);
            if (before != null) {
                ensureLogged(before); // a mover that died after its compare-and-set left its entry unwritten
            }
            long currentVersion = before == null ? 0 : before.toVersion();
            if (!update.accepts(currentVersion)) {
                throw new ConflictException("alias '" + alias + "' of model '" + model + "' points to "
                        + (currentVersion == 0 ? "nothing" : "version " + currentVersion) + ", not to "
                        + (update.expectsAbsent() ? "nothing" : "version " + update.getExpectedVersion())
                        + " as expected; re-read it and decide again");
            }
            if (version == 0 && currentVersion == 0) {
                throw new NotFoundException("alias '" + alias + "' of model '" + model + "' does not exist");
            }
            AliasState after = new AliasState(
                    model,
                    alias,
                    before == null ? 1 : before.sequence() + 1,
                    currentVersion,
                    version,
                    clock.instant().truncatedTo(ChronoUnit.MILLIS),
                    update.getBy(),
                    update.getRunId(),
                    update.getReason());
            ObjectTag expected = current.map(StoredObject::getTag).orElse(null);
            if (store.compareAndSet(key, expected, after.encode()).isPresent()) {
                ensureLogged(after);
                return version == 0 ? null : after.toAlias();
            }
            // another mover got there first: re-read and re-check the expectation
        }
    }

    private void ensureLogged(AliasState state) {
        boolean unused = store.createIfAbsent(
                StoreKey.of("models/" + state.model() + "/alias-log/" + state.alias() + "/"
                        + String.format(Locale.ROOT, "%08d", state.sequence()) + ".json"),
                state.encode());
    }

    private record AliasState(
            String model,
            String alias,
            long sequence,
            long fromVersion,
            long toVersion,
            Instant at,
            String by,
            String runId,
            String reason) {
        byte[] encode() {
            return RecordWriter.create(ALIAS_FORMAT)
                    .put("model", model)
                    .put("alias", alias)
                    .put("sequence", sequence)
                    .put("from", fromVersion)
                    .put("to", toVersion)
                    .put("at", at.toString())
                    .put("by", by)
                    .put("run", runId)
                    .put("reason", reason)
                    .toBytes();
        }

        ModelAlias toAlias() {
            return new ModelAlias(model, alias, toVersion, sequence, at, by, runId, reason);
        }

        AliasEvent toEvent() {
            return new AliasEvent(model, alias, sequence, fromVersion, toVersion, at, by, runId, reason);
        }
    }

    private static AliasState readAlias(String model, String alias, StoredObject object) {
        RecordReader r = RecordReader.parse(
                object.getBytes(), ALIAS_FORMAT, object.getKey().value());
        AliasState state = new AliasState(
                r.getString("model"),
                r.getString("alias"),
                r.getLong("sequence", 1, Long.MAX_VALUE),
                r.getLong("from", 0, Long.MAX_VALUE),
                r.getLong("to", 0, Long.MAX_VALUE),
                r.getParsed("at", Instant::parse),
                r.getString("by"),
                r.getString("run"),
                r.getString("reason"));
        r.finish();
        if (!state.model().equals(model) || !state.alias().equals(alias)) {
            throw new MlopsException("alias record " + object.getKey() + " names " + state.model() + "/" + state.alias()
                    + "; the lake is damaged");
        }
        return state;
    }

    // --- artifacts ---------------------------------------------------------------------------------------------

    @Override
    public InputStream openArtifact(ModelVersion version, String path) {
        Digest root = version.getArtifacts()
                .orElseThrow(() -> new NotFoundException("model version " + version.getRef() + " has no artifacts"));
        return trees.open(root, path, version.getRef().toString());
    }

    @Override
    public long checkoutArtifacts(ModelVersion version, Path directory) {
        Digest root = version.getArtifacts()
                .orElseThrow(() -> new NotFoundException("model version " + version.getRef() + " has no artifacts"));
        return trees.checkout(root, directory, version.getRef().toString());
    }

    @Override
    public String toString() {
        return "LakeModelRegistry{lake=" + store + "}";
    }

    // --- idempotency: the request claim and twins ----------------------------------------------------------------

    private record RequestClaim(long version, ObjectTag tag) {}

    private Optional<RequestClaim> readClaim(String model, String requestId) {
        return store.find(requestKey(model, requestId)).map(o -> {
            RecordReader r =
                    RecordReader.parse(o.getBytes(), REQUEST_FORMAT, o.getKey().value());
            long version = r.getLong("version", 1, Long.MAX_VALUE);
            var unused = r.getString("request");
            r.finish();
            return new RequestClaim(version, o.getTag());
        });
    }

    /**
     * Decides which version a request made: the lowest one. Claims the request for this version if it is lower than
     * the claimed one (or nothing is claimed), and marks the higher twin superseded.
     *
     * @return the winning version number
     */
    private long resolveTwins(ModelVersion version) {
        String model = version.getName();
        long mine = version.getVersion();
        if (store.exists(supersededKey(model, mine))) {
            return readClaim(model, version.getRequestId())
                    .map(RequestClaim::version)
                    .orElse(mine);
        }
        byte[] claimMine = RecordWriter.create(REQUEST_FORMAT)
                .put("request", version.getRequestId())
                .put("version", mine)
                .toBytes();
        while (true) {
            Optional<RequestClaim> claim = readClaim(model, version.getRequestId());
            if (claim.isPresent() && claim.get().version() == mine) {
                return mine;
            }
            if (claim.isPresent() && claim.get().version() < mine) {
                markSuperseded(model, mine, claim.get().version());
                return claim.get().version();
            }
            ObjectTag expected = claim.map(RequestClaim::tag).orElse(null);
            if (store.compareAndSet(requestKey(model, version.getRequestId()), expected, claimMine)
                    .isPresent()) {
                if (claim.isPresent()) {
                    // the higher twin claimed first and may have indexed its lineage: move the index to this one
                    markSuperseded(model, claim.get().version(), mine);
                    recordLineage(version);
                    store.find(VersionAllocator.versionKey(
                                    series(model), claim.get().version()))
                            .map(o -> decode(o, new ModelRef(model, claim.get().version())))
                            .ifPresent(this::forgetLineage);
                }
                return mine;
            }
        }
    }

    private void markSuperseded(String model, long loser, long winner) {
        boolean unused = store.createIfAbsent(
                supersededKey(model, loser),
                ("{\"format\":\"mlops4j.model-superseded/1\",\"by\":" + winner + "}").getBytes(StandardCharsets.UTF_8));
    }

    // --- records ---------------------------------------------------------------------------------------------

    static StoreKey series(String model) {
        return StoreKey.of("models/" + model + "/v");
    }

    private static StoreKey requestKey(String model, String requestId) {
        return StoreKey.of("models/" + model + "/requests/"
                + Digest.of(requestId.getBytes(StandardCharsets.UTF_8)).hex() + ".json");
    }

    private static StoreKey supersededKey(String model, long version) {
        return StoreKey.of("models/" + model + "/superseded/" + String.format(Locale.ROOT, "%08d", version) + ".json");
    }

    private static StoreKey aliasKey(String model, String alias) {
        return StoreKey.of("models/" + ModelRef.requireValidName(model) + "/aliases/" + alias + ".json");
    }

    private static void requireAlias(String alias) {
        ModelAlias.requireValidAlias(alias);
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
        RecordWriter record = RecordWriter.create(VERSION_FORMAT)
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
        return record.toBytes();
    }

    private static ModelVersion decode(StoredObject object, ModelRef expected) {
        RecordReader r = RecordReader.parse(
                object.getBytes(), VERSION_FORMAT, object.getKey().value());
        ModelRef ref = new ModelRef(r.getString("name"), r.getLong("version", 1, Long.MAX_VALUE));
        if (!ref.equals(expected)) {
            throw new MlopsException(
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
        ModelVersion version = new ModelVersion(
                ref,
                r.findDigest("artifacts").orElse(null),
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
        r.finish();
        return version;
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
