package org.mlops4j.registry;

import com.google.errorprone.annotations.CanIgnoreReturnValue;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.mlops4j.common.ConflictException;
import org.mlops4j.common.IntegrityException;
import org.mlops4j.common.MlopsException;
import org.mlops4j.common.NotFoundException;
import org.mlops4j.common.Page;
import org.mlops4j.common.Paged;
import org.mlops4j.data.ContentTrees;
import org.mlops4j.data.Datasets;
import org.mlops4j.internal.Redaction;
import org.mlops4j.lake.LakeLayout;
import org.mlops4j.lineage.LineageEdge;
import org.mlops4j.lineage.LineageIndex;
import org.mlops4j.registry.internal.RegistryServices;
import org.mlops4j.registry.spi.AliasPointer;
import org.mlops4j.registry.spi.RegistryCapabilities;
import org.mlops4j.registry.spi.RegistryDriver;
import org.mlops4j.registry.spi.RegistryEnvironment;
import org.mlops4j.registry.spi.StoredArtifacts;
import org.mlops4j.store.Digest;
import org.mlops4j.store.LocalObjectStore;
import org.mlops4j.store.ObjectStore;
import org.mlops4j.store.StoreCapabilities;
import org.mlops4j.store.StoreKey;
import org.mlops4j.store.StoreLease;
import org.mlops4j.store.StoredObject;
import org.mlops4j.store.VersionAllocator;

/**
 * The model registry (DESIGN §3.3): versions with artifacts, metrics and inputs; aliases such as {@code champion}
 * moved only if they are as the caller expects, each move appended to the alias's history.
 *
 * <p>One implementation over any backend: a {@link RegistryDriver} stores and reads the records (on the lake by
 * default, or MLflow, or the test kit's in-memory driver), and this class keeps the guarantees, the same for each:
 *
 * <ul>
 *   <li><b>Idempotency.</b> A registration's request id is looked up before anything is created; should a stalled
 *       request still create a second version (a twin), the lowest version wins and the others are hidden from this
 *       API. The request claims live in the lake.
 *   <li><b>Lineage.</b> Registering writes a reverse edge from each input dataset version to the model version, so
 *       that {@code lineage().downstream(dataset)} finds it, whichever driver stored the version.
 *   <li><b>Alias history.</b> Each alias move is appended to {@code models/<name>/alias-log/<alias>/} in the lake,
 *       numbered 1, 2, 3, … without gaps; a mover that died after its move is logged by the next reader.
 *   <li><b>Alias lease.</b> Where the driver cannot move an alias by compare-and-set ({@link
 *       RegistryCapabilities#atomicAliasMove()} false, as on MLflow), each move holds a {@link StoreLease} in the lake
 *       around reading, checking and writing the alias, and verifies afterwards that the write is the alias's state
 *       and the lease was still held.
 * </ul>
 *
 * <pre>{@code
 * ModelVersion v = mlops.registry().register(new ModelRegistration("churn")
 *         .artifacts(Path.of("model-dir"))
 *         .metric("auc", 0.871)
 *         .input(train.getRef(), ModelInput.TRAIN));
 * mlops.registry().setAlias("churn", "champion", v.getVersion(), AliasUpdate.expectingAbsent().reason("first"));
 * }</pre>
 *
 * <p>Thread-safe, and safe across processes that share the lake and the backend. Obtain it from {@code
 * Mlops.registry()}; choose the backend with {@code Mlops.builder().registryDriver(…)}.
 */
public final class ModelRegistry {
    /** How long an alias lease lasts: far longer than the few round trips of one move. */
    private static final Duration ALIAS_LEASE = Duration.ofSeconds(30);
    /** How long a move waits for another mover's lease: time for it to finish, or to expire if it died. */
    private static final Duration ALIAS_LEASE_WAIT = ALIAS_LEASE.multipliedBy(2);

    private final RegistryDriver driver;
    private final RegistryCapabilities capabilities;
    private final ObjectStore lake;
    private final Datasets datasets;
    private final ContentTrees trees;
    private final Twins twins;
    private final Clock clock;
    private final String leaseHolder;

    private ModelRegistry(RegistryDriver driver, ObjectStore lake, Datasets datasets, Clock clock) {
        this.driver = Objects.requireNonNull(driver, "driver");
        this.capabilities = Objects.requireNonNull(driver.capabilities(), "driver.capabilities()");
        this.lake = Objects.requireNonNull(lake, "lake");
        this.datasets = Objects.requireNonNull(datasets, "datasets");
        this.trees = datasets.contentTrees();
        LineageIndex lineage = datasets.lineageIndex();
        this.twins = new Twins(lake, driver, lineage);
        this.clock = Objects.requireNonNull(clock, "clock");
        this.leaseHolder = "registry/" + ProcessHandle.current().pid() + "/"
                + UUID.randomUUID().toString().substring(0, 8);
    }

    /**
     * Creates the registry over a driver; {@code Mlops} does this for you.
     *
     * @param driver the backend's driver
     * @param lake the lake, where lineage edges, request claims, alias history and alias leases live
     * @param datasets the lake's datasets: inputs are checked against them, and artifacts in the lake are read
     *     through their content trees
     * @param clock timestamps versions and alias moves, and times alias leases on a store without server time
     * @return the registry
     */
    static {
        RegistryServices.REGISTRY.install(ModelRegistry::create);
        RegistryServices.LAKE_DRIVER.install(ModelRegistry::lakeDriver);
    }

    /**
     * The time alias leases expire by: the store's where it keeps one ({@link StoreCapabilities#hasServerTime()}), so
     * that hosts whose clocks differ agree; else the registry's clock, which tests can advance.
     */
    private Clock leaseClock() {
        return lake.capabilities().hasServerTime() ? lake.clock() : clock;
    }

    private static ModelRegistry create(RegistryDriver driver, ObjectStore lake, Datasets datasets, Clock clock) {
        driver.attach(new RegistryEnvironment(datasets, lakeUri(lake)));
        RegistryDriver backend = driver.capabilities().aliases()
                ? driver
                : new LakeAliases(driver, lakeDriver(lake, datasets.contentTrees()));
        return new ModelRegistry(backend, lake, datasets, clock);
    }

    /** The lake's location for a driver's records: a local lake's directory as a file URI, else its redacted name. */
    private static String lakeUri(ObjectStore lake) {
        return lake instanceof LocalObjectStore local
                ? local.getRoot().toAbsolutePath().toUri().toString()
                : Redaction.redact(lake);
    }

    /**
     * Creates the embedded driver, which keeps every record in the lake next to the datasets; the default of {@code
     * Mlops}. It moves aliases by compare-and-set, creates versions only if absent and searches metrics.
     *
     * @param lake the lake
     * @param trees content trees on the same lake ({@link Datasets#contentTrees()}), where artifacts are stored once
     * @return the driver; thread-safe, and safe across processes that share the lake
     */
    private static RegistryDriver lakeDriver(ObjectStore lake, ContentTrees trees) {
        return new LakeRegistryDriver(lake, trees);
    }

    /** Returns what the backend can do natively; the registry adapts to it (see the class comment). */
    public RegistryCapabilities capabilities() {
        return capabilities;
    }

    /**
     * Registers a new version; idempotent by the registration's request id: a repeated request returns the version the
     * first one made. Artifacts from a directory are uploaded through the driver; artifacts named by an {@link
     * ArtifactLocation} are recorded, not uploaded.
     *
     * @param registration what to register
     * @return the version
     * @throws NotFoundException if an input dataset version, or a lake tree named as the artifacts, does not exist
     * @throws org.mlops4j.data.UnsafePathException if an artifact's path breaks the naming rules
     * @throws MlopsException if the lake or the backend fails; registering again with the same request id is safe
     */
    @CanIgnoreReturnValue
    public ModelVersion register(ModelRegistration registration) {
        String name = registration.getName();
        String requestId = registration.getRequestId();
        Optional<ModelVersion> done = twins.findRegistered(name, requestId);
        if (done.isPresent()) {
            return done.get(); // a repeated request
        }
        for (ModelInput input : registration.getInputs()) {
            if (datasets.find(input.dataset()).isEmpty()) {
                throw new NotFoundException("input " + input.dataset() + " (" + input.role() + ") of model '" + name
                        + "' does not exist; snapshot it first");
            }
        }
        @Nullable StoredArtifacts artifacts = artifactsOf(registration);
        Instant created = now();
        String author = System.getProperty("user.name", "unknown");
        ModelVersion stored = driver.createVersion(
                name,
                requestId,
                n -> new ModelVersion(
                        new ModelRef(name, n),
                        artifacts == null ? null : artifacts.location(),
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
                        requestId));
        if (!stored.getName().equals(name) || !stored.getRequestId().equals(requestId)) {
            throw new MlopsException("the registry driver " + driver + " returned " + stored.getRef() + " of request '"
                    + stored.getRequestId() + "' for a version of '" + name + "' of request '" + requestId
                    + "'; the driver is broken (run ModelRegistryContract against it)");
        }
        return twins.settle(stored);
    }

    private @Nullable StoredArtifacts artifactsOf(ModelRegistration registration) {
        Path directory = registration.getArtifacts();
        if (directory != null) {
            return driver.storeArtifacts(registration.getName(), directory, registration.getProgress());
        }
        ArtifactLocation location = registration.getArtifactLocation();
        if (location == null) {
            return null;
        }
        if (location.isInLake()) {
            ContentTrees.StoredTree tree =
                    trees.describe(lakeTree(location), "the artifacts of '" + registration.getName() + "'");
            return new StoredArtifacts(location, tree.files(), tree.bytes());
        }
        return new StoredArtifacts(location, 0, 0); // elsewhere: counted by whoever stored them
    }

    /**
     * Looks up a version.
     *
     * @param ref the version
     * @return the version, or empty if it does not exist or is a superseded twin
     * @throws MlopsException if the lake or the backend fails
     */
    public Optional<ModelVersion> find(ModelRef ref) {
        return twins.find(Objects.requireNonNull(ref, "ref"));
    }

    /**
     * Reads a version.
     *
     * @param ref the version
     * @return the version
     * @throws NotFoundException if it does not exist
     * @throws MlopsException if the lake or the backend fails
     */
    public ModelVersion get(ModelRef ref) {
        return find(ref)
                .orElseThrow(() -> new NotFoundException("model version " + ref
                        + " does not exist; list versions with versions(\"" + ref.name() + "\")"));
    }

    /**
     * Checks a version: its record (read strictly, with its checksum, through the driver), and for artifacts in the
     * lake their tree and every file re-hashed, every copy of each (whole or packed), and the file count and size
     * against the record. The model's aliases are checked too: each alias with a history is read through the driver,
     * each entry of its history strictly, and the alias must be where its history's last entry left it (or later). Artifacts kept at a URI are checked the same way when the record names their tree and the
     * lake holds it; otherwise only the record is checked and a note says so (the backend keeps those bytes). Reads
     * every artifact byte; nothing is changed.
     *
     * @param ref the version
     * @return what was checked and every problem found, each naming what it is about
     * @throws NotFoundException if the backend has no such version
     * @throws MlopsException if the lake or the backend cannot be read; a damaged record or artifact is a problem in
     *     the result, not an exception
     */
    public ModelVerification verify(ModelRef ref) {
        Objects.requireNonNull(ref, "ref");
        List<String> problems = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        verifyAliases(ref.name(), problems);
        ModelVersion version;
        try {
            version = driver.readVersion(ref)
                    .orElseThrow(() -> new NotFoundException("model version " + ref
                            + " does not exist; list versions with versions(\"" + ref.name() + "\")"));
        } catch (IntegrityException e) {
            problems.add(e.getMessage());
            return new ModelVerification(ref, false, 0, 0, problems, notes);
        }
        if (twins.find(ref).isPresent()) { // a superseded twin has no edges
            for (LineageEdge edge : version.inputEdges()) {
                if (!datasets.lineageIndex().contains(edge)) {
                    problems.add("the lineage index misses the edge " + edge + " of " + ref
                            + "; registering the version again with its request id rewrites it");
                }
            }
        }
        Optional<ArtifactLocation> location = version.getArtifactLocation();
        if (location.isEmpty()) {
            notes.add(ref + " has no artifacts");
            return new ModelVerification(ref, false, 0, 0, problems, notes);
        }
        ArtifactLocation where = location.get();
        Optional<Digest> tree = where.getTree();
        if (!where.isInLake() && (tree.isEmpty() || !lake.exists(LakeLayout.tree(tree.get())))) {
            notes.add(
                    "the artifacts of " + ref + " are kept at " + where.getUri().orElse("?")
                            + (tree.isPresent()
                                    ? ", and the lake holds no tree " + tree.get() + " to check them by"
                                    : ", and the record names no tree to check them by")
                            + "; only the record was checked (" + version.getArtifactFiles() + " files, "
                            + version.getArtifactBytes() + " bytes as recorded)");
            return new ModelVerification(ref, false, 0, 0, problems, notes);
        }
        ContentTrees.TreeVerification checked = trees.verify(tree.orElseThrow(), "the artifacts of " + ref);
        problems.addAll(checked.problems());
        if (checked.problems().isEmpty()
                && where.isInLake()
                && (checked.files() != version.getArtifactFiles() || checked.bytes() != version.getArtifactBytes())) {
            problems.add("the artifacts of " + ref + " hold " + checked.files() + " files, " + checked.bytes()
                    + " bytes; its record says " + version.getArtifactFiles() + " files, "
                    + version.getArtifactBytes() + " bytes");
        }
        return new ModelVerification(ref, true, checked.files(), checked.bytes(), problems, notes);
    }

    /** Checks every alias of a model that has a history, and its history, adding a line per problem. */
    private void verifyAliases(String model, List<String> problems) {
        String prefix = "models/" + model + "/alias-log/";
        Set<String> aliases = new TreeSet<>();
        for (StoreKey key : lake.list(prefix)) {
            String rest = key.value().substring(prefix.length());
            int slash = rest.indexOf('/');
            if (slash > 0) {
                aliases.add(rest.substring(0, slash));
            }
        }
        String pointers = "models/" + model + "/aliases/"; // the embedded driver's alias records
        for (StoreKey key : lake.list(pointers)) {
            String name = key.value().substring(pointers.length());
            if (name.endsWith(".json") && name.indexOf('/') < 0) {
                aliases.add(name.substring(0, name.length() - ".json".length()));
            }
        }
        for (String alias : aliases) {
            try {
                verifyAlias(model, alias, problems);
            } catch (IllegalArgumentException e) {
                problems.add("model '" + model + "' has an alias record or history under an invalid alias name: "
                        + e.getMessage());
            }
        }
    }

    private void verifyAlias(String model, String alias, List<String> problems) {
        AliasEvent logged = null;
        long expected = 1;
        for (StoreKey key : lake.list(historySeries(model, alias).value() + "/")) {
            try {
                logged = AliasRecords.decode(lake.get(key), model, alias);
                if (logged.sequence() != expected) {
                    problems.add("the history of alias '" + alias + "' of model '" + model + "' lacks move " + expected
                            + " (next: " + key + "); the lake is damaged");
                }
                expected = logged.sequence() + 1;
            } catch (IntegrityException e) {
                problems.add(e.getMessage());
            }
        }
        try {
            Optional<AliasEvent> current = driver.readAlias(model, alias).map(AliasPointer::last);
            if (current.isPresent() && current.get().sequence() >= expected) {
                problems.add("alias '" + alias + "' of model '" + model + "' is " + current.get()
                        + ", but its history ends before move "
                        + current.get().sequence()
                        + "; reading the history writes the missing move");
            }
            if (logged != null
                    && (current.isEmpty()
                            || current.get().sequence() < logged.sequence()
                            || (current.get().sequence() == logged.sequence()
                                    && !current.get().equals(logged)))) {
                problems.add("alias '" + alias + "' of model '" + model + "' is "
                        + current.map(AliasEvent::toString).orElse("absent") + ", but its history ends with "
                        + logged + "; the alias record is damaged or was removed behind the registry's back");
            }
        } catch (IntegrityException e) {
            problems.add(e.getMessage());
        }
    }

    /**
     * Lists a model's versions, newest first, page by page.
     *
     * @param name the model's name
     * @return the versions; empty for an unknown model
     * @throws IllegalArgumentException if the name is invalid
     * @throws MlopsException if the lake or the backend fails while the pages are read
     */
    public Paged<ModelVersion> versions(String name) {
        ModelRef.requireValidName(name);
        return Paged.of(token -> visible(driver.listVersions(name, token)));
    }

    /**
     * Finds versions by name, tags and metric bounds.
     *
     * @param query the search
     * @return the matching versions, each model's newest first
     * @throws UnsupportedOperationException if the query has metric bounds and the backend cannot search metrics
     *     ({@link RegistryCapabilities#metricSearch()}): search by model and tags, then filter the metrics
     * @throws MlopsException if the lake or the backend fails while the pages are read
     */
    public Paged<ModelVersion> search(ModelQuery query) {
        if (query.usesMetrics() && !capabilities.metricSearch()) {
            throw new UnsupportedOperationException("the registry backend " + driver + " cannot search by metric;"
                    + " search by model and tags, and filter the versions' metrics yourself");
        }
        return Paged.of(token -> visible(driver.searchVersions(query, token)));
    }

    private Page<ModelVersion> visible(Page<ModelVersion> page) {
        List<ModelVersion> shown = new ArrayList<>(page.items().size());
        for (ModelVersion version : page.items()) {
            if (twins.isShown(version)) {
                shown.add(version);
            }
        }
        return new Page<>(shown, page.continuationToken());
    }

    // --- aliases -----------------------------------------------------------------------------------------------

    /**
     * Moves an alias to a version, if the alias is as the caller expects ({@link AliasUpdate}); the move is appended
     * to the alias's history.
     *
     * @param model the model's name
     * @param alias the alias: lower-case letters, digits, {@code _} and {@code -}
     * @param version the version to point to
     * @param update the expectation and who, which run, why
     * @return the alias after the move
     * @throws ConflictException if the alias is not as expected (re-read and decide again), or, on a backend without
     *     atomic alias moves, if another mover held the alias's lease for too long or took it over mid-move
     * @throws NotFoundException if the version does not exist
     * @throws IllegalArgumentException if the name or alias is invalid
     * @throws MlopsException if the lake or the backend fails
     */
    @CanIgnoreReturnValue
    public ModelAlias setAlias(String model, String alias, long version, AliasUpdate update) {
        ModelAlias.requireValidAlias(alias);
        ModelRef target = new ModelRef(model, version);
        Objects.requireNonNull(update, "update");
        if (find(target).isEmpty()) {
            throw new NotFoundException("cannot point alias '" + alias + "' to " + target + ": no such version");
        }
        return aliasOf(move(model, alias, version, update));
    }

    /**
     * Looks up an alias.
     *
     * @param model the model's name
     * @param alias the alias
     * @return where it points, or empty if it does not exist
     * @throws IllegalArgumentException if the name or alias is invalid
     * @throws MlopsException if the backend fails
     */
    public Optional<ModelAlias> findAlias(String model, String alias) {
        ModelRef.requireValidName(model);
        ModelAlias.requireValidAlias(alias);
        return driver.readAlias(model, alias)
                .map(AliasPointer::last)
                .filter(last -> last.toVersion() > 0)
                .map(ModelRegistry::aliasOf);
    }

    /**
     * Deletes an alias, if it is as the caller expects; recorded in the history.
     *
     * @param model the model's name
     * @param alias the alias
     * @param update the expectation and who, which run, why
     * @throws ConflictException if the alias is not as expected, or (see {@link #setAlias}) its lease was not free
     * @throws NotFoundException if the alias does not exist and the update accepts that
     * @throws IllegalArgumentException if the name or alias is invalid
     * @throws MlopsException if the lake or the backend fails
     */
    public void deleteAlias(String model, String alias, AliasUpdate update) {
        ModelRef.requireValidName(model);
        ModelAlias.requireValidAlias(alias);
        var unused = move(model, alias, 0, Objects.requireNonNull(update, "update"));
    }

    /**
     * Lists an alias's moves, oldest first: 1, 2, 3, … without gaps.
     *
     * @param model the model's name
     * @param alias the alias
     * @return the history; empty for an alias never set
     * @throws IllegalArgumentException if the name or alias is invalid
     * @throws MlopsException if the lake or the backend fails
     */
    public Paged<AliasEvent> aliasHistory(String model, String alias) {
        ModelRef.requireValidName(model);
        ModelAlias.requireValidAlias(alias);
        driver.readAlias(model, alias).ifPresent(pointer -> log(pointer.last()));
        String prefix = historySeries(model, alias).value() + "/";
        return Paged.of(token -> {
            Page<StoreKey> keys = lake.list(prefix, token, 100);
            List<AliasEvent> events = new ArrayList<>(keys.items().size());
            for (StoreKey key : keys.items()) {
                events.add(AliasRecords.decode(lake.get(key), model, alias));
            }
            return new Page<>(events, keys.continuationToken());
        });
    }

    /** Moves (or, with version 0, deletes) an alias and logs the move; returns the move. */
    private AliasEvent move(String model, String alias, long version, AliasUpdate update) {
        if (capabilities.atomicAliasMove()) {
            while (true) {
                Optional<AliasPointer> current = driver.readAlias(model, alias);
                AliasEvent next = nextMove(model, alias, current, version, update);
                if (driver.writeAlias(
                        model, alias, current.map(AliasPointer::tag).orElse(null), next)) {
                    log(next);
                    return next;
                }
                // another mover got there first: re-read and re-check the expectation
            }
        }
        try (StoreLease lease = StoreLease.acquire(
                lake, leaseKey(model, alias), leaseHolder, ALIAS_LEASE, leaseClock(), ALIAS_LEASE_WAIT)) {
            Optional<AliasPointer> current = driver.readAlias(model, alias);
            AliasEvent next = nextMove(model, alias, current, version, update);
            lease.verify(); // the fence: never write once another mover may hold the lease
            boolean written = driver.writeAlias(
                    model, alias, current.map(AliasPointer::tag).orElse(null), next);
            Optional<AliasEvent> after = driver.readAlias(model, alias).map(AliasPointer::last);
            lease.verify();
            if (!written || !after.equals(Optional.of(next)) || !log(next)) {
                throw new ConflictException("alias '" + alias + "' of model '" + model + "' was moved by another"
                        + " writer during this move (it is now "
                        + after.map(AliasEvent::toString).orElse("unset")
                        + "), although this move held the alias's lease: a writer that stalled past the end of its own"
                        + " lease, or one that bypassed the registry. Re-read the alias and decide again");
            }
            return next;
        }
    }

    /**
     * Reads the alias's last move, logs it (a mover that died after its write left its entry unwritten), checks the
     * caller's expectation, and returns the next move.
     */
    private AliasEvent nextMove(
            String model, String alias, Optional<AliasPointer> current, long version, AliasUpdate update) {
        @Nullable AliasEvent before = current.map(AliasPointer::last).orElse(null);
        if (before != null) {
            log(before);
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
        return new AliasEvent(
                model,
                alias,
                before == null ? 1 : before.sequence() + 1,
                currentVersion,
                version,
                now(),
                update.getBy(),
                update.getRunId(),
                update.getReason());
    }

    /** Appends a move to the alias's history if it is not there yet; false if another move holds its number. */
    @CanIgnoreReturnValue
    private boolean log(AliasEvent event) {
        StoreKey key = VersionAllocator.versionKey(historySeries(event.model(), event.alias()), event.sequence());
        if (lake.createIfAbsent(key, AliasRecords.encode(event))) {
            return true;
        }
        Optional<StoredObject> logged = lake.find(key);
        return logged.isPresent()
                && AliasRecords.decode(logged.get(), event.model(), event.alias())
                        .equals(event);
    }

    private static ModelAlias aliasOf(AliasEvent move) {
        return new ModelAlias(
                move.model(),
                move.alias(),
                move.toVersion(),
                move.sequence(),
                move.at(),
                move.by(),
                move.runId(),
                move.reason());
    }

    private static StoreKey historySeries(String model, String alias) {
        return StoreKey.of("models/" + model + "/alias-log/" + alias);
    }

    private static StoreKey leaseKey(String model, String alias) {
        return StoreKey.of("models/" + model + "/alias-leases/" + alias + ".json");
    }

    // --- artifacts ---------------------------------------------------------------------------------------------

    /**
     * Opens one artifact file of a version; the stream checks its digest at the end where the backend records one
     * (always for artifacts in the lake).
     *
     * @param version the version
     * @param path the file's path in the artifacts, {@code /}-separated
     * @return the stream; the caller closes it
     * @throws NotFoundException if the version has no artifacts or no such file, or its artifacts are at a URI the
     *     backend cannot read
     * @throws MlopsException if the lake or the backend fails
     */
    public InputStream openArtifact(ModelVersion version, String path) {
        ArtifactLocation where = locationOf(version);
        return where.isInLake()
                ? trees.open(lakeTree(where), path, version.getRef().toString())
                : driver.openArtifact(where, path);
    }

    /**
     * Writes a version's artifacts into an absent or empty directory, each file verified before it is renamed.
     *
     * @param version the version
     * @param directory the target
     * @return the number of files written
     * @throws NotFoundException if the version has no artifacts, or they are at a URI the backend cannot read
     * @throws IllegalStateException if the directory is not empty
     * @throws MlopsException if the lake or the backend fails
     */
    @CanIgnoreReturnValue
    public long checkoutArtifacts(ModelVersion version, Path directory) {
        ArtifactLocation where = locationOf(version);
        return where.isInLake()
                ? trees.checkout(lakeTree(where), directory, version.getRef().toString())
                : driver.checkoutArtifacts(where, directory);
    }

    private static ArtifactLocation locationOf(ModelVersion version) {
        return version.getArtifactLocation()
                .orElseThrow(() -> new NotFoundException("model version " + version.getRef() + " has no artifacts"));
    }

    private static Digest lakeTree(ArtifactLocation location) {
        return location.getTree().orElseThrow(); // a location in the lake always names its tree
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    @Override
    public String toString() {
        return "ModelRegistry{driver=" + driver + ", lake=" + lake + "}";
    }
}
